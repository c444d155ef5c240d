"""The domain: claims and their parts, who may see what, errors, settings, validation."""
