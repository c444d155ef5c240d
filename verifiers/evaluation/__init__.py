"""Measuring the matcher on labelled sets: loaders, metrics, the eval runner, stance accuracy."""
