"""Fuzz tests: hostile input into the check path, every import format and ingestion."""
