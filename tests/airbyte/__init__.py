"""The taps as Airbyte sources, through PyAirbyte."""
