"""Helpers the tests share: a local HTTP server, recorded feature cases."""
