"""Singer tap for Conpeek, built with the Meltano Singer SDK."""
