"""Tests of fetching pages safely and of source liveness."""
