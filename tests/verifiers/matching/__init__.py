"""Tests of matching: ranking, identity, stance, the semantic option."""
