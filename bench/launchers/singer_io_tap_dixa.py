"""Run singer-io's tap-dixa (PyPI `tap-dixa`) against the URL in $DIXA_EXPORTS_URL.

Its base URLs live in the `DixaURL` enum, which its client also compares against to pick
the auth header; swap the enum everywhere it was imported, then start its CLI.
"""

from __future__ import annotations

import enum
import os
import sys

import tap_dixa
from tap_dixa import client, helpers
from tap_dixa.streams import activitylogs, conversations, messages

SandboxURL = enum.Enum(
    "DixaURL",
    {"EXPORTS": os.environ["DIXA_EXPORTS_URL"], "INTEGRATIONS": os.environ["DIXA_EXPORTS_URL"]},
)
for module in (helpers, client, conversations, messages, activitylogs):
    module.DixaURL = SandboxURL
conversations.Conversations.base_url = SandboxURL.EXPORTS.value
messages.Messages.base_url = SandboxURL.EXPORTS.value

if __name__ == "__main__":
    sys.exit(tap_dixa.main())
