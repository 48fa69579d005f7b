"""Helpers shared by the suite's tests: running taps, meltano and PostgreSQL."""
