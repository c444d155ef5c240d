"""Tests of article ingestion."""
