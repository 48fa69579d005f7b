"""Singer tap for Dixa, built with the Meltano Singer SDK."""
