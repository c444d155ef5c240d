"""Tests of model fitting (verifiers/training/)."""
