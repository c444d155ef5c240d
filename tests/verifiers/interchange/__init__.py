"""Tests of claim files in and out (tabular, ClaimReview)."""
