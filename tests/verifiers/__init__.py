"""Tests of the runtime core (verifiers/)."""
