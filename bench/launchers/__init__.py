"""Launchers that point peer extractors at the sandbox without editing their files."""
