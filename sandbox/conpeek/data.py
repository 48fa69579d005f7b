"""Synthetic Conpeek data in its wire format: conversation statistics, calls and callbacks.

Times are UTC strings `YYYY-MM-DD HH:mm:ss`, as the documentation shows. Statistics ids are
ObjectIds whose first four bytes are the row's second, so they increase with time. A
statistics row, a call and a callback sit exactly on every UTC midnight, so window
boundaries have rows on them, and two statistics rows share each midnight's second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from sandbox.conpeek.readings import DialogsAppear, Readings
from sandbox.synthetic import ANCHOR_MS, maybe, object_id, phone, rng_for, uuid4

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Hashable, Iterable, Sequence

Record = dict[str, Any]
Planned: TypeAlias = "Sequence[tuple[int, tuple[object, ...]]]"
"""When each new row happens, and what seeds it."""

ANCHOR_S = ANCHOR_MS // 1000
DAY_S = 86_400
HOUR_S = 3_600
PROJECTS = ((101, "Sales"), (102, "Support"), (103, "Collections"))
CONVERSATION_TYPES = ("CHAT", "EMAIL", "MESSENGER", "SMS", "WHATSAPP")
DIALOG_TYPES = ("EXTERNAL", "EXTERNAL", "TENANT_USER", "CONSULTANT", "BOT")
END_CAUSES = ("DIALOG_LEFT", "NO_ANSWER", "BUSY", "TRANSFERRED")
CALLBACK_STATES = ("NEW", "IN_PROGRESS", "DONE", "CANCELLED")
RUNNING_CALLS = 5
"""Calls still going on when the data ends (and after each mutation)."""
SHORT_CALLS = 3
"""Short calls placed after those and already over: the latest call listed is later than
calls that will only end after the data does."""


def conpeek_time(seconds: int) -> str:
    """Epoch seconds as Conpeek writes times: `2025-01-01 00:00:00`, UTC."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Mutation:
    """What one call to `ConpeekData.mutate` changed."""

    new_statistics: frozenset[str]
    new_dialogs: frozenset[str]
    completed_dialogs: frozenset[str]
    """Calls that were running before and have ended since."""
    new_callbacks: frozenset[int]
    updated_callbacks: frozenset[int]


@dataclass
class _Call:
    """A call as it happens; what /cdr_dialog shows depends on `now`."""

    start: int
    hangup: int
    record: Record


@dataclass
class ConpeekData:
    """One Conpeek tenant's rows, sorted as the API indexes them."""

    seed: int
    readings: Readings
    now: int
    """Epoch seconds: nothing happens at or after this instant yet."""
    statistics: list[Record] = field(default_factory=list)
    statistic_ids: list[str] = field(default_factory=list)
    calls: list[_Call] = field(default_factory=list)
    call_starts: list[int] = field(default_factory=list)
    callbacks: list[Record] = field(default_factory=list)
    callback_times: list[int] = field(default_factory=list)
    generation: int = 0
    _json: dict[Hashable, bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls, *, seed: int, size: int, days: int, readings: Readings) -> ConpeekData:
        """`size` statistics rows and calls, a quarter as many callbacks, over `days` days."""
        data = cls(seed=seed, readings=readings, now=ANCHOR_S + days * DAY_S)
        span = days * DAY_S
        midnights = [ANCHOR_S + day * DAY_S for day in range(1, days)]
        statistics = [
            (ANCHOR_S + rng_for(seed, "statistic", n).randrange(span), ("statistic", n))
            for n in range(size)
        ] + [(at, ("midnight", at, twin)) for at in midnights for twin in range(2)]
        data._add_statistics(statistics)
        calls = [
            (ANCHOR_S + rng_for(seed, "call", n).randrange(span - HOUR_S), ("call", n))
            for n in range(size)
        ] + [(at, ("midnight", at)) for at in midnights]
        data._add_calls(calls, _last_minutes(data.now, ()))
        callbacks = [
            (ANCHOR_S + rng_for(seed, "callback", n).randrange(span), ("callback", n))
            for n in range(max(1, size // 4))
        ] + [(at, ("midnight", at)) for at in midnights]
        data._add_callbacks(callbacks)
        return data

    def mutate(self) -> Mutation:
        """Advance one day: new rows, running calls end, recent callbacks change state."""
        self.generation += 1
        start, end = self.now, self.now + DAY_S
        salt = ("mutation", self.generation)
        running = {c.record["dialog_uuid"] for c in self.calls if c.hangup >= start}
        count = max(3, len(self.statistics) // 50)

        def times(kind: str, n: int) -> list[tuple[int, tuple[object, ...]]]:
            return [
                (rng_for(self.seed, *salt, kind, i).randint(start + 1, end - HOUR_S), (*salt, i))
                for i in range(n)
            ]

        new_statistics = self._add_statistics(times("statistic", count))
        calls = times("call", count)
        new_dialogs = self._add_calls(calls, _last_minutes(end, salt))
        new_callbacks = self._add_callbacks(times("callback", max(3, count // 4)))
        rng = rng_for(self.seed, *salt, "updates")
        recent = [
            c
            for c, at in zip(self.callbacks, self.callback_times, strict=True)
            if start - DAY_S // 2 <= at < start
        ]
        updated = rng.sample(recent, k=min(len(recent), 5))
        for callback in updated:
            callback["state"] = "DONE"
            callback["application_state"] = "CALLED_BACK"
            self._json.pop(("callback", callback["id"]), None)
        self.now = end
        completed = {u for u in running if self._call(u).hangup < end}
        return Mutation(
            new_statistics=frozenset(new_statistics),
            new_dialogs=frozenset(new_dialogs),
            completed_dialogs=frozenset(completed),
            new_callbacks=frozenset(new_callbacks),
            updated_callbacks=frozenset(c["id"] for c in updated),
        )

    # Ground truth for tests.

    def statistics_by_id(self) -> dict[str, Record]:
        """Every statistics row by id."""
        return {r["id"]: r for r in self.statistics}

    def dialogs_by_uuid(self) -> dict[str, Record]:
        """Every call /cdr_dialog lists now, as it lists it, by dialog_uuid."""
        return {r["dialog_uuid"]: r for r in self.visible_dialogs(self.calls)}

    def callbacks_by_id(self) -> dict[int, Record]:
        """Every callback by id."""
        return {r["id"]: r for r in self.callbacks}

    def call_hangup(self, dialog_uuid: str) -> int:
        """When a call ends (epoch seconds), whether or not it has yet."""
        return self._call(dialog_uuid).hangup

    # What the API serves.

    def visible_dialogs(self, calls: Iterable[_Call]) -> list[Record]:
        """The calls /cdr_dialog lists now, in its wire format."""
        listed = []
        for call in calls:
            if call.hangup < self.now:
                listed.append(call.record)
            elif call.start < self.now and self.readings.dialogs_appear is DialogsAppear.AT_START:
                listed.append(_running(call.record))
        return listed

    def render(self, records: Iterable[Record], key: Callable[[Record], Hashable]) -> bytes:
        """`{"data": [...]}` from per-row JSON cached under `key(row)`."""
        parts = []
        for record in records:
            cache_key = key(record)
            rendered = self._json.get(cache_key)
            if rendered is None:
                rendered = json.dumps(record, separators=(",", ":")).encode()
                self._json[cache_key] = rendered
            parts.append(rendered)
        return b'{"data":[' + b",".join(parts) + b"]}"

    def _call(self, dialog_uuid: str) -> _Call:
        return next(c for c in self.calls if c.record["dialog_uuid"] == dialog_uuid)

    def _add_statistics(self, planned: Planned) -> list[str]:
        rows = []
        for at, salt in planned:
            rng = rng_for(self.seed, "statistic", *salt)
            rows.append(_statistic(rng, at, self.readings))
        rows.sort(key=lambda r: r["id"])
        self.statistics += rows
        self.statistics.sort(key=lambda r: r["id"])
        self.statistic_ids = [r["id"] for r in self.statistics]
        return [r["id"] for r in rows]

    def _add_calls(self, planned: Planned, last_minutes: Sequence[_LastMinute]) -> list[str]:
        calls = [
            _call(rng_for(self.seed, "call", *salt), at, self.readings, None)
            for at, salt in planned
        ]
        calls += [
            _call(rng_for(self.seed, "call", *c.salt), c.at, self.readings, c.talking)
            for c in last_minutes
        ]
        self.calls += calls
        self.calls.sort(key=lambda c: (c.start, c.record["dialog_uuid"]))
        self.call_starts = [c.start for c in self.calls]
        return [c.record["dialog_uuid"] for c in calls]

    def _add_callbacks(self, planned: Planned) -> list[int]:
        first_id = len(self.callbacks) + 1
        rows = []
        for n, (at, salt) in enumerate(sorted(planned, key=lambda p: p[0])):
            rng = rng_for(self.seed, "callback", *salt)
            rows.append(_callback(rng, first_id + n, at, self.readings))
        self.callbacks += rows
        self.callback_times += sorted(at for at, _ in planned)
        return [r["id"] for r in rows]


def _project(rng: random.Random) -> tuple[int, str]:
    return rng.choice(PROJECTS)


def _statistic(rng: random.Random, at: int, readings: Readings) -> Record:
    project_id, project_name = _project(rng)
    record: Record = {
        "id": object_id(rng, at * 1000),
        readings.time_field: conpeek_time(at),
        "project_id": project_id,
        "conversation_type": rng.choice(CONVERSATION_TYPES),
    }
    if readings.extra_fields:
        record["conversation_id"] = uuid4(rng)
        record["tenant_user_id"] = maybe(rng, 0.7, rng.randint(1, 40))
        record["project"] = {"id": project_id, "name": project_name}
    return record


class _LastMinute(NamedTuple):
    at: int
    salt: tuple[object, ...]
    talking: int
    """Seconds."""


def _last_minutes(now: int, salt: tuple[object, ...]) -> list[_LastMinute]:
    """Calls placed in the minutes before `now`: long ones still going on, short ones over."""
    running = [
        _LastMinute(now - 60 * (n + 1), ("running", *salt, n), 2 * HOUR_S + 60 * n)
        for n in range(RUNNING_CALLS)
    ]
    short = [_LastMinute(now - 45 - 2 * n, ("short", *salt, n), 1) for n in range(SHORT_CALLS)]
    return running + short


def _call(rng: random.Random, start: int, readings: Readings, duration: int | None) -> _Call:
    project_id, project_name = _project(rng)
    answered = duration is not None or rng.random() < 0.8
    alert = start + rng.randint(0, 5)
    ring_seconds = rng.randint(1, 30)
    answer = alert + ring_seconds if answered else None
    talking_ms = (duration or rng.randint(5, 1800)) * 1000 if answered else 0
    hangup = (answer or alert + ring_seconds) + talking_ms // 1000
    waiting_ms = rng.randint(0, 120_000)
    inbound = rng.random() < 0.6
    customer, line = phone(rng), f"48{rng.randint(100_000_000, 999_999_999)}"
    machine = not inbound and rng.random() < 0.1
    record: Record = {
        "dialog_uuid": uuid4(rng),
        "dialog_type": rng.choice(DIALOG_TYPES),
        "business_direction": "INBOUND" if inbound else "OUTBOUND",
        "business_end_cause": "DIALOG_LEFT" if answered else rng.choice(END_CAUSES[1:]),
        "from_display_target": customer if inbound else line,
        "to_display_target": line if inbound else customer,
        "start_time": conpeek_time(start),
        "alert_time": conpeek_time(alert),
        "ring_time": conpeek_time(alert),
        "answer_time": conpeek_time(answer) if answer else None,
        "serve_time": conpeek_time(answer) if answer else None,
        "hangup_time": conpeek_time(hangup),
        "talking_time": talking_ms,
        "waiting_time": waiting_ms,
        "first_queue_waiting_time": waiting_ms if inbound else None,
        "machine_detected": 1 if machine else 0,
        "machine_detected_type": "AMD" if machine else None,
        "project_id": project_id,
        "tenant_user_id": rng.randint(1, 40) if answered else None,
    }
    if readings.extra_fields:
        record["operator_call_id"] = f"op-{rng.getrandbits(48):012x}"
        record["custom_tag_id_list"] = rng.sample(range(1, 9), k=rng.randint(0, 2))
        record["project"] = {"id": project_id, "name": project_name}
    return _Call(start, hangup, record)


def _running(record: Record) -> Record:
    """A call as listed while it is still going on."""
    return {
        **record,
        "business_end_cause": None,
        "hangup_time": None,
        "talking_time": None,
    }


def _callback(rng: random.Random, callback_id: int, at: int, readings: Readings) -> Record:
    project_id, _ = _project(rng)
    record: Record = {
        "id": callback_id,
        "created_date": conpeek_time(at),
        "state": rng.choice(CALLBACK_STATES),
        "application_state": rng.choice(("WAITING", "SCHEDULED", "CALLED_BACK", None)),
    }
    if readings.extra_fields:
        record["number"] = phone(rng)
        record["project_id"] = project_id
        record["attempts"] = rng.randint(0, 3)
        record["scheduled_date"] = conpeek_time(at + rng.randint(HOUR_S, DAY_S))
    return record
