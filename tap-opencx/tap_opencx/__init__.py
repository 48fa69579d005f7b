"""Singer tap for Open CX, built with the Meltano Singer SDK."""
