"""Moving claims in and out: CSV/TSV/JSONL files and schema.org ClaimReview JSON-LD."""
