"""Singer tap for iovox call insights, built with the Meltano Singer SDK."""
