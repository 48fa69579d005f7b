"""What the support-taps Singer taps share, written once on the Meltano Singer SDK.

Nothing here knows a vendor: each tap brings its authentication, envelopes, parameters,
clocks, time formats and schemas, and inherits the rest from `SupportTap`,
`SupportStream` and `WindowedStream`.
"""
