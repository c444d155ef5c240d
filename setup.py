"""Build settings pyproject.toml cannot express: the seeds/ folder ships as verifiers/seeds/."""

from setuptools import find_packages, setup

# The seed data is package data of `verifiers` in the wheel (read through importlib.resources),
# so the wheel adds no import name but its own three; the checkout keeps it at the top level.
setup(
    packages=[*find_packages(include=["verifiers*", "bot*", "claimbot*"]), "verifiers.seeds"],
    package_dir={"verifiers.seeds": "seeds"},
)
