"""claimbot's core: models, storage, matching and ingestion. Knows nothing of Discord."""

__version__ = "0.1.0"
