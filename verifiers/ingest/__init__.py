"""Article ingestion: extract an article, find its attributed claims, propose drafts."""
