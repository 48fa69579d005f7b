"""Benchmarks of the suite's taps against the sandbox, reported as ratios."""
