"""Tests of the stores, on real SQLite files and the real PostgreSQL."""
