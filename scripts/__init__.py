"""Maintenance scripts of the suite."""
