"""Tests of the domain: settings and their validation."""
