"""Tests of the derived search and vector indexes."""
