"""Benchmarks, synthetic data and the load test.

Nothing in the app imports this package; the `bench` command loads it when it runs.
"""
