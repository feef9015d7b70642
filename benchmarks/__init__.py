"""asv benchmark suite of fastbias (see benchmarks/README.md)."""
