"""Tests of delivering the notifications outbox."""
