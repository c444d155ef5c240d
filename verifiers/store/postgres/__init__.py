"""The PostgreSQL engine: connections and migrations (db), full-text search (search, text),
LISTEN/NOTIFY (listen), and the store over them (store). Needs psycopg (the `postgres` extra)."""
