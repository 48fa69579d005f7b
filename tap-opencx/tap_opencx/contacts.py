"""Contacts."""

from __future__ import annotations

from tap_opencx.windowed import WindowedStream


class ContactsStream(WindowedStream):
    """Contacts, by when they were last updated."""

    name = "contacts"
    path = "/contacts"
    replication_key = "updated_at"
    range_params = ("updated_after", "updated_before")
