"""Fitting the matcher's models: the answer weights, the embedding adapter, the cross-encoder.

Research code, run by hand on labelled data (docs/matching.md); the bot, the CLI and the rest of
`verifiers` never import it (tests/test_architecture.py). It writes the model files the runtime
loads from `verifiers/matching/`.
"""
