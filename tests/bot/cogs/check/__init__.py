"""Tests of checking claims: /check, passive listening, related claims."""
