"""The SQLite engine: connections and migrations (db), full-text search (search), listening for
other processes' changes (listen), and the store over them (store)."""
