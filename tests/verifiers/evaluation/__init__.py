"""Tests of the evaluation commands and their floors."""
