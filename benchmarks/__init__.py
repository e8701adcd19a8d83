"""Load and latency benchmarks (`make bench`); never asserted in tests. See README.md."""
