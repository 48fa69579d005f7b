"""Each tap as an Airbyte source: the protocol spoken by the SDK tap itself, in process.

`spec`, `check`, `discover` and `read` are built from the tap's own settings, catalog,
streams and state; records go from the tap's record path straight into Airbyte RECORD
messages, with no Singer JSON in between. Needs the `airbyte` extra.
"""
