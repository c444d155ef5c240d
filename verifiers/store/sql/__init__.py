"""The relational store, written once for SQLite and PostgreSQL.

`dialect.py` holds everything the two engines spell differently (placeholders, timestamps,
row locks, ...), side by side; the modules by concern (`claims`, `edits`, `flags`, `drafts`,
`notifications`, `liveness`, `embeddings`, `settings`) hold the shared logic, and
`store.RelationalStore` puts them together. A backend (`verifiers/store/sqlite/store.py`,
`verifiers/store/postgres/store.py`) adds only what truly differs: connecting, transactions,
migrations, writing new claim rows, change notification and search.
"""
