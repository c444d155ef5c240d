"""Tests of moderators' claim commands."""
