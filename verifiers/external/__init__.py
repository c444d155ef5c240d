"""Verifiers: where a claim's status can come from — our claims database, or public fact-checks.

`base` defines the small interface; `local` wraps the claims database, `factcheck` the Google
Fact Check Tools API (off by default), `chain` asks the external ones only when the database
has no confident match.
"""
