"""Data generator and benchmarks (see bench/README.md)."""
