"""Tests of the external fact-check verifiers."""
