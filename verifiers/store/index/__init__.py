"""Search indexes derived from the claims: rebuilt from the database, never the source of truth."""
