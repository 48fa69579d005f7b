"""Reading the Singer messages a tap wrote."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SingerOutput:
    """The messages of one tap run, grouped for assertions."""

    messages: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> SingerOutput:
        """Parse complete JSON lines; a line cut short by a killed process is ignored."""
        messages = []
        for line in text.splitlines():
            try:
                messages.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return cls(messages)

    def records(self, stream: str) -> list[dict[str, Any]]:
        """Records of one stream, in order."""
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def ids(self, stream: str, key: str = "id") -> set[Any]:
        """Primary keys delivered for one stream."""
        return {record[key] for record in self.records(stream)}

    def by_stream(self) -> dict[str, list[dict[str, Any]]]:
        """Records of every stream."""
        grouped: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for message in self.messages:
            if message["type"] == "RECORD":
                grouped[message["stream"]].append(message["record"])
        return dict(grouped)

    @property
    def states(self) -> list[dict[str, Any]]:
        """Every STATE value, in order."""
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict[str, Any]:
        """The last STATE value."""
        assert self.states, "the tap wrote no STATE message"
        return self.states[-1]

    def schema(self, stream: str) -> dict[str, Any]:
        """The SCHEMA message of one stream."""
        for message in self.messages:
            if message["type"] == "SCHEMA" and message["stream"] == stream:
                return message
        raise AssertionError(f"no SCHEMA message for {stream}")
