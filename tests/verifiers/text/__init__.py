"""Tests of text normalisation and segmentation."""
