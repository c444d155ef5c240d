"""Sources: fetching a page safely (SSRF-proof), and whether cited sources still hold."""
