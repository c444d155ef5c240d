"""Tests of the command line (claimbot/), run as a user runs it."""
