"""Tests of flags and their review queue."""
