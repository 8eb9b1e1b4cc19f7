"""govhall benchmarks (`make bench` runs `python -m bench`)."""
