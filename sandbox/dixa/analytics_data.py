"""The Analytics API's catalogue and its unaggregated rows, in the wire format.

Beyond the two records and metrics the documentation names, the catalogue has more, so
that rows carry every FieldType and aggregates of both value types. Each record type
has a row on every UTC midnight and on every Copenhagen midnight of the data's span,
so window and day boundaries have rows.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sandbox.dixa.exports_data import QUEUES, TAGS
from sandbox.dixa.javatime import instant
from sandbox.dixa.timeindex import TimeIndex
from sandbox.synthetic import ANCHOR, ANCHOR_MS, DAY_MS, HOUR_MS, rng_for, sentence

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Iterable, Sequence

    from sandbox.dixa.exports_data import Record

FILTERS = ("agent_id", "queue_id", "channel", "initial_direction", "tag_id", "contact_point")
CHANNELS = (
    ("EMAIL", "Email"), ("CHAT", "Chat"), ("PSTN_PHONE", "Phone"), ("CALLBACK", "Callback"),
    ("CONTACT_FORM", "Contact Form"), ("SMS", "Sms"), ("FACEBOOK_MESSENGER", "Facebook Messenger"),
)  # fmt: skip
DIRECTIONS = (("INBOUND", "Inbound"), ("OUTBOUND", "Outbound"))
CLOSED_BY = (("Agent", "Agent"), ("Enduser", "End user"), ("Unknown", "Unknown"))
BOUNDARY_ZONES = ("UTC", "Europe/Copenhagen")
"""Every midnight of these zones has a row of each record type."""
FIRST_CSID = 500_001


@dataclass(frozen=True)
class RecordType:
    """One entry of the records catalogue."""

    id: str
    description: str
    fields: tuple[tuple[str, str, bool], ...]
    """(field, description, nullable)"""
    filters: tuple[str, ...] = FILTERS

    def metadata(self, metrics: Iterable[Metric]) -> Record:
        """The catalogue entry as the API writes it."""
        return {
            "id": self.id,
            "description": self.description,
            "filters": [_filter_metadata(name) for name in self.filters],
            "relatedMetricIds": [m.id for m in metrics if m.record == self.id],
            "fieldsMetadata": [
                {"field": name, "description": text, "nullable": nullable}
                for name, text, nullable in self.fields
            ],
        }


@dataclass(frozen=True)
class Metric:
    """One entry of the metrics catalogue, computed from the rows of one record type."""

    id: str
    description: str
    record: str
    measures: tuple[tuple[str, str], ...]
    """(measure, description)"""
    observe: Callable[[float], float] = float
    """What each row contributes, from the row's measured number."""

    def metadata(self, records: dict[str, RecordType]) -> Record:
        """The catalogue entry as the API writes it."""
        return {
            "id": self.id,
            "description": self.description,
            "filters": [_filter_metadata(name) for name in records[self.record].filters],
            "aggregations": [{"measure": m, "description": d} for m, d in self.measures],
            "relatedRecordIds": [self.record],
        }


RECORD_TYPES = {
    r.id: r
    for r in (
        RecordType("ratings", "Conversation Ratings", (
            ("conversation_id", "Conversation ID", False),
            ("agent_id", "The agent assigned to the conversation", True),
            ("queue_id", "The queue which the conversation was part of when offered", True),
            ("rating_score", "The score given", False),
            ("comment", "The comment left with the rating", True),
        )),
        RecordType("closed_conversations", "Closed conversation data", (
            ("closed_at", "Timestamp of when the conversation was closed", False),
            ("conversation_id", "Conversation ID", False),
            ("agent_id", "The agent closing the conversation", True),
            ("queue_id", "The queue which the conversation was part of when closed", True),
            ("closed_by", "User closing the conversation (Agent, Enduser or Unknown)", False),
        ), FILTERS[1:]),
        RecordType("created_conversations", "Created conversation data", (
            ("csid", "Conversation ID", False),
            ("created_at", "When the conversation was created", False),
            ("initial_channel", "The channel the conversation started in", False),
            ("initial_direction", "Inbound or outbound", False),
            ("contact_point", "The email address or number contacted", True),
            ("tags", "Tags on the conversation", False),
            ("is_callback", "Whether the end user asked to be called back", False),
        )),
        RecordType("first_response_time", "Time to the first agent response", (
            ("csid", "Conversation ID", False),
            ("queue_id", "The queue the conversation was in", True),
            ("first_response_at", "When the first agent response was sent", False),
            ("response_seconds", "Seconds from creation to the first response", False),
            ("agent_messages", "Messages the agent sent before the end user replied", False),
        )),
    )
}  # fmt: skip

METRICS = {
    m.id: m
    for m in (
        Metric(
            "csat",
            "(Number of satisfied customers (4 and 5)/ Number of survey responses) x 100 = % "
            "of satisfied customers",
            "ratings",
            (("Percentage", "Calculated Percentage"),),
            lambda score: 100.0 if score >= 4 else 0.0,
        ),
        Metric(
            "closed_conversations",
            "Closed conversation data",
            "closed_conversations",
            (("Count", "Conversation closed count"),),
        ),
        Metric(
            "created_conversations",
            "Conversations created",
            "created_conversations",
            (("Count", "Conversations created count"),),
        ),
        Metric(
            "first_response_time",
            "Seconds until the first agent response",
            "first_response_time",
            (
                ("Average", "Average seconds"),
                ("Min", "Shortest"),
                ("Max", "Longest"),
                ("StdDev", "Standard deviation"),
            ),
        ),
        Metric(
            "rating_score",
            "Rating scores given",
            "ratings",
            (("Average", "Average score"), ("Sum", "Sum of scores"), ("Count", "Ratings")),
        ),
    )
}


@dataclass
class Row:
    """One unaggregated row: its time, what it looks like, and what filters see."""

    record_id: str
    at: int
    body: Record
    attributes: dict[str, tuple[str, ...]]
    """Filter attribute -> the row's values for it."""
    number: float | None = None
    """What metrics of this record type aggregate (a score, a duration)."""


@dataclass
class AnalyticsData:
    """Every record type's rows, the catalogue, and the values filters accept."""

    seed: int
    size: int
    now_ms: int
    agents: list[tuple[str, str]]
    contact_points: list[str]
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    """Ground truth: record id -> row key -> row."""
    generation: int = 0
    _csid: int = FIRST_CSID
    _indexes: dict[str, TimeIndex] = field(default_factory=dict, repr=False)
    _json: dict[str, bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(
        cls,
        *,
        seed: int,
        size: int,
        days: int,
        agents: Sequence[tuple[str, str]],
        contact_points: Sequence[str],
    ) -> AnalyticsData:
        """`size` rows of each record type over `days` days, plus one per midnight."""
        data = cls(seed, size, ANCHOR_MS + days * DAY_MS, list(agents), list(contact_points))
        for record_id in RECORD_TYPES:
            data.rows[record_id] = {}
            for n in range(size):
                rng = rng_for(seed, "analytics", record_id, n)
                data._add(record_id, rng, ANCHOR_MS + rng.randrange(days * DAY_MS))
            for n, at in enumerate(_midnights(days)):
                data._add(record_id, rng_for(seed, "analytics-boundary", record_id, n), at)
        return data

    def mutate(self) -> None:
        """Add rows of every record type within the day after all existing rows."""
        self.generation += 1
        start, end = self.now_ms, self.now_ms + DAY_MS
        for record_id in RECORD_TYPES:
            for n in range(max(3, self.size // 50)):
                rng = rng_for(self.seed, "analytics-mutation", self.generation, record_id, n)
                self._add(record_id, rng, rng.randint(start + 1, end))
        self.now_ms = end
        self._indexes.clear()

    def catalogue(self, kind: str) -> list[bytes]:
        """The metrics or records catalogue, rendered."""
        entries = (
            [m.metadata(RECORD_TYPES) for m in METRICS.values()]
            if kind == "metrics"
            else [r.metadata(METRICS.values()) for r in RECORD_TYPES.values()]
        )
        return [json.dumps(e, separators=(",", ":")).encode() for e in entries]

    def filter_values(self, attribute: str) -> list[Record] | None:
        """The values (and labels) a filter attribute accepts; None for an unknown one."""
        pairs: Iterable[tuple[str, str]] | None = {
            "agent_id": self.agents,
            "queue_id": QUEUES,
            "channel": CHANNELS,
            "initial_direction": DIRECTIONS,
            "tag_id": TAGS,
            "contact_point": [(c, c) for c in self.contact_points],
        }.get(attribute)
        if pairs is None:
            return None
        return [{"value": value, "label": label} for value, label in pairs]

    def select(
        self, record_id: str, after: int, before: int, inclusive: tuple[bool, bool]
    ) -> list[Row]:
        """Rows of one record type timed in the window, in key order (not time order)."""
        index = self._indexes.get(record_id)
        if index is None:
            index = TimeIndex.build({key: row.at for key, row in self.rows[record_id].items()})
            self._indexes[record_id] = index
        rows = self.rows[record_id]
        return [rows[key] for key in sorted(index.between(after, before, inclusive))]

    def render(self, rows: Iterable[Row]) -> list[bytes]:
        """Each row's JSON, cached."""
        rendered = []
        for row in rows:
            key = f"{row.record_id}/{row.body['_key']}"
            text = self._json.get(key)
            if text is None:
                body = {k: v for k, v in row.body.items() if k != "_key"}
                text = json.dumps(body, separators=(",", ":")).encode()
                self._json[key] = text
            rendered.append(text)
        return rendered

    def _add(self, record_id: str, rng: random.Random, at: int) -> None:
        csid = self._csid
        self._csid += 1
        row = _ROW_MAKERS[record_id](self, rng, at, csid)
        # What every filter sees of the row's conversation, beyond the row's own fields.
        for name, value in _conversation_attributes(self, rng).items():
            row.attributes.setdefault(name, value)
        row.body["_key"] = f"{csid:09d}"
        self.rows[record_id][row.body["_key"]] = row


def aggregate(measure: str, numbers: Sequence[float], count: int) -> Record | None:
    """One aggregate of `count` rows and their `numbers`; None where undefined (no numbers)."""
    if measure == "Count":
        return {"value": count, "measure": measure, "_type": "LongAggregateValue"}
    if not numbers:
        return None
    value = _AGGREGATES[measure](numbers)
    return {"value": float(value), "measure": measure, "_type": "DoubleAggregateValue"}


_AGGREGATES: dict[str, Callable[[Sequence[float]], float]] = {
    "Sum": sum,
    "Average": statistics.fmean,
    "Percentage": statistics.fmean,
    "Min": min,
    "Max": max,
    "StdDev": statistics.pstdev,
}


def _midnights(days: int) -> list[int]:
    """Epoch ms of every midnight of the boundary zones within the data's span."""
    found = set()
    for zone in map(ZoneInfo, BOUNDARY_ZONES):
        first = ANCHOR.astimezone(zone).date()
        for day in range(1, days):
            local = datetime.combine(first + timedelta(days=day), datetime.min.time(), zone)
            found.add(int(local.timestamp() * 1000))
    return sorted(at for at in found if ANCHOR_MS < at < ANCHOR_MS + days * DAY_MS)


def _filter_metadata(name: str) -> Record:
    return {"filterAttribute": name, "description": f"Used to filter by the {name}"}


def _primary(name: str, at: int) -> Record:
    return {"name": name, "timestamp": instant(at)}


def _field(name: str, value: Record | None) -> Record:
    """A name/typed-value pair; a null value has no `field`."""
    return {"name": name} if value is None else {"name": name, "field": value}


def _typed(kind: str, value: Any, label: str | None = None) -> Record:  # noqa: ANN401
    typed: Record = {"value": value}
    if label is not None:
        typed["label"] = label
    typed["_type"] = kind
    return typed


def _conversation_attributes(data: AnalyticsData, rng: random.Random) -> dict[str, tuple[str, ...]]:
    return {
        "channel": (rng.choice(CHANNELS)[0],),
        "initial_direction": (rng.choice(DIRECTIONS)[0],),
        "contact_point": (rng.choice(data.contact_points),),
        "tag_id": tuple(tag[0] for tag in rng.sample(TAGS, k=rng.randint(0, 2))),
        "agent_id": (rng.choice(data.agents)[0],),
    }


def _maybe_agent(
    data: AnalyticsData, rng: random.Random, probability: float
) -> tuple[str, str] | None:
    return rng.choice(data.agents) if rng.random() < probability else None


def _ratings(data: AnalyticsData, rng: random.Random, at: int, csid: int) -> Row:
    agent = _maybe_agent(data, rng, 0.9)
    queue = rng.choice(QUEUES)
    score = rng.randint(1, 5)
    comment = sentence(rng, 5) if rng.random() < 0.4 else None
    fields = [
        _field("conversation_id", _typed("LongField", csid)),
        _field("agent_id", _typed("UUIDField", *agent) if agent else None),
        _field("queue_id", _typed("UUIDField", *queue)),
        _field("rating_score", _typed("IntField", score)),
        _field("comment", _typed("StringField", comment, comment) if comment else None),
    ]
    body = {
        "primaryTimestampField": _primary("rated_at", at),
        "value": _typed("IntField", score),
        "fields": fields,
    }
    attributes: dict[str, tuple[str, ...]] = {"queue_id": (queue[0],)}
    attributes["agent_id"] = (agent[0],) if agent else ()
    return Row("ratings", at, body, attributes, float(score))


def _closed(data: AnalyticsData, rng: random.Random, at: int, csid: int) -> Row:
    agent = _maybe_agent(data, rng, 0.8)
    queue = rng.choice(QUEUES)
    closed_by = rng.choice(CLOSED_BY) if agent else CLOSED_BY[2]
    fields = [
        _field(
            "closed_at", {"name": "closed_at", "timestamp": instant(at), "_type": "TimestampField"}
        ),
        _field("conversation_id", _typed("LongField", csid)),
        _field("agent_id", _typed("UUIDField", *agent) if agent else None),
        _field("queue_id", _typed("UUIDField", *queue)),
        _field("closed_by", _typed("StringField", *closed_by)),
    ]
    body = {"primaryTimestampField": _primary("closed_at", at), "fields": fields}
    return Row("closed_conversations", at, body, {"queue_id": (queue[0],)})


def _created(data: AnalyticsData, rng: random.Random, at: int, csid: int) -> Row:
    channel = rng.choice(CHANNELS)
    direction = rng.choice(DIRECTIONS)
    contact = rng.choice(data.contact_points)
    tags = rng.sample(TAGS, k=rng.randint(0, 2))
    fields = [
        _field("csid", _typed("LongField", csid)),
        _field("created_at", _typed("InstantField", instant(at))),
        _field("initial_channel", _typed("StringField", *channel)),
        _field("initial_direction", _typed("StringField", *direction)),
        _field("contact_point", _typed("StringField", contact, contact)),
        _field(
            "tags", {"values": [_typed("UUIDField", *tag) for tag in tags], "_type": "ListField"}
        ),
        _field("is_callback", _typed("BooleanField", channel[0] == "CALLBACK")),
    ]
    body = {"primaryTimestampField": _primary("created_at", at), "fields": fields}
    attributes = {
        "channel": (channel[0],),
        "initial_direction": (direction[0],),
        "contact_point": (contact,),
        "tag_id": tuple(tag[0] for tag in tags),
    }
    return Row("created_conversations", at, body, attributes)


def _first_response(data: AnalyticsData, rng: random.Random, at: int, csid: int) -> Row:  # noqa: ARG001
    queue = rng.choice(QUEUES)
    seconds = round(rng.uniform(5, 4 * HOUR_MS / 1000), 3)
    fields = [
        _field("csid", _typed("LongField", csid)),
        _field("queue_id", _typed("UUIDField", *queue)),
        _field("first_response_at", _typed("InstantField", instant(at + int(seconds * 1000)))),
        _field("response_seconds", _typed("DoubleField", seconds)),
        _field("agent_messages", _typed("IntField", rng.randint(1, 4))),
    ]
    body = {
        "primaryTimestampField": _primary("created_at", at),
        "value": _typed("DoubleField", seconds),
        "fields": fields,
    }
    return Row("first_response_time", at, body, {"queue_id": (queue[0],)}, seconds)


_ROW_MAKERS: dict[str, Callable[[AnalyticsData, random.Random, int, int], Row]] = {
    "ratings": _ratings,
    "closed_conversations": _closed,
    "created_conversations": _created,
    "first_response_time": _first_response,
}
