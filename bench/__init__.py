"""Benchmarks for the bot. Run from the repository root, e.g. ``python -m bench.dispatch``."""
