"""Synthetic corpora shaped like the real graph, for the benchmarks
(:mod:`~iusgraph.scale.synth`)."""
