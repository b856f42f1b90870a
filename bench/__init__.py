"""Benchmarks: `make bench` runs bench/run.py. Not part of `make test`."""
