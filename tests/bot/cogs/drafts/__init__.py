"""Tests of ingesting articles and reviewing drafts."""
