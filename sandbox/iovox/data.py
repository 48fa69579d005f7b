"""One iovox account's calls: what happened (UTC instants) and what was added since."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.synthetic import ANCHOR_MS, WORDS, person, phone, rng_for, sentence

if TYPE_CHECKING:
    import random

Record = dict[str, Any]

DAY_S = 86_400
ANCHOR_S = ANCHOR_MS // 1000
FIRST_ID = 30_683_200_000_000
"""Call ids are 14-digit integers that grow with time, like the documentation's."""

NODES = (("1", "London Motors"), ("2", "Brighton Motors"), ("3", "Leeds Motors"))
LINKS = (("53", "Brighton Motors"), ("180", "London Motors"), ("211", "Sales line"))
RESULTS = ("ANSWERED", "ANSWERED", "ANSWERED", "NO ANSWER", "BUSY")
COLOURS = ("BLUE", "GREEN", "GOLD", "RED")
CATEGORY_KINDS = ("link", "call", "node", "contact")


@dataclass
class Call:
    """A call as iovox knows it, in its own (response) shape, times as UTC epoch seconds."""

    id: int
    start: int
    end: int
    fields: Record
    comments: list[Record] = field(default_factory=list)
    """Each comment's `created` is UTC epoch seconds, like `start`."""
    tags: list[Record] = field(default_factory=list)
    tasks: list[Record] = field(default_factory=list)
    """Each task's `created`, `reminder_date` and `due_date` are UTC epoch seconds."""
    call_outcomes: list[Record] = field(default_factory=list)
    transcriptions: list[Record] = field(default_factory=list)
    keyword_rules: list[Record] = field(default_factory=list)
    categories: dict[str, list[Record]] = field(default_factory=dict)


@dataclass
class Mutation:
    """What `IovoxData.mutate` changed."""

    new_calls: list[int]
    commented_calls: list[int]
    """Calls from before the mutation that gained a comment and a tag."""


@dataclass
class IovoxData:
    """Every call of the account, sorted by (start, id)."""

    seed: int
    now: int
    """Epoch seconds: no call starts at or after this instant yet."""
    calls: list[Call] = field(default_factory=list)
    by_id: dict[int, Call] = field(default_factory=dict)
    generation: int = 0
    """Bumped by every mutation, so cached renderings of calls are dropped."""

    @classmethod
    def generate(cls, *, seed: int, size: int, days: int) -> IovoxData:
        """`size` calls over `days` days, plus one at every midnight (a window boundary)."""
        data = cls(seed=seed, now=ANCHOR_S + days * DAY_S)
        span = days * DAY_S - 3600
        starts = [ANCHOR_S + rng_for(seed, "call", n).randrange(span) for n in range(size)]
        starts += [ANCHOR_S + day * DAY_S for day in range(1, days)]
        for n, start in enumerate(sorted(starts)):
            data._add(_call(rng_for(seed, "call-fields", n), FIRST_ID + n * 7, start))
        return data

    def _add(self, call: Call) -> None:
        insort(self.calls, call, key=lambda c: (c.start, c.id))
        self.by_id[call.id] = call

    def mutate(self) -> Mutation:
        """A day later: new calls, and calls of the last two days commented and tagged."""
        rng = rng_for(self.seed, "mutation", self.generation)
        recent = [c for c in self.calls if c.start >= self.now - 2 * DAY_S]
        commented = rng.sample(recent, k=min(len(recent), 5))
        for call in commented:
            call.comments.append(_comment(rng, self.now))
            call.tags.append(_tag(rng, "user"))
        next_id = max(self.by_id) + 7
        new_ids = []
        for n in range(max(3, len(self.calls) // 50)):
            call = _call(rng, next_id + n * 7, self.now + rng.randrange(DAY_S - 3600))
            self._add(call)
            new_ids.append(call.id)
        self.now += DAY_S
        self.generation += 1
        return Mutation(new_calls=new_ids, commented_calls=[c.id for c in commented])


def _call(rng: random.Random, call_id: int, start: int) -> Call:
    talk = rng.randrange(0, 900)
    ring = rng.randrange(3, 40)
    node_id, node_name = rng.choice(NODES)
    link_id, link_name = rng.choice(LINKS)
    caller, called = phone(rng), phone(rng)
    fields = {
        "call_origin": caller,
        "call_origin_location": rng.choice(("MOBILE,UNITED KINGDOM", "LANDLINE,LONDON")),
        "iovox_number": phone(rng),
        "call_destination": called,
        "call_time": _clock(ring + talk),
        "call_time_sec": ring + talk,
        "talk_time": _clock(talk),
        "talk_time_sec": talk,
        "call_type": rng.choice(("DIRECT", "API")),
        "call_result": rng.choice(RESULTS),
        "rule_result": f"Forward call to: {called}",
        "node_id": node_id,
        "node_name": node_name,
        "node_type": rng.choice(("", "dealer")),
        "link_id": link_id,
        "link_name": link_name,
        "link_type": "default-type",
        "has_recording": rng.choice(("TRUE", "FALSE")),
        "email_alert": rng.choice(("TRUE", "FALSE")),
        "direction": rng.choice(("IN", "IN", "OUT")),
    }
    call = Call(id=call_id, start=start, end=start + ring + talk, fields=fields)
    if rng.random() < 0.3:
        call.comments.append(_comment(rng, start + rng.randrange(60, 3 * DAY_S)))
    if rng.random() < 0.4:
        call.tags.append(_tag(rng, "insights_trigger"))
    if rng.random() < 0.2:
        call.tasks.append(_task(rng, start))
    if rng.random() < 0.3:
        call.call_outcomes.append({"outcome": rng.choice(("Sale", "Booking", "No sale"))})
    if talk and rng.random() < 0.5:
        call.transcriptions.append(_transcription(rng))
        call.keyword_rules.append(
            {
                "keyword_rule": f"Caller mentioned {rng.choice(WORDS)}",
                "keywords": [{"keyword": rng.choice(WORDS), "count": rng.randint(1, 3)}],
            }
        )
    call.categories = {
        f"{kind}_categories": [
            {
                "category_id": "",
                "label": f"{rng.choice(COLOURS).lower()}1",
                "value": rng.choice(WORDS),
            }
            for _ in range(rng.randrange(3))
        ]
        for kind in CATEGORY_KINDS
    }
    return call


def _comment(rng: random.Random, created: int) -> Record:
    _, email = person(rng)
    return {
        "comment_id": f"{rng.getrandbits(128):032x}",
        "created": created,
        "username": email,
        "language": "en",
        "text": sentence(rng),
    }


def _tag(rng: random.Random, source: str) -> Record:
    return {"text": sentence(rng, 2), "colour": rng.choice(COLOURS), "source_type": source}


def _task(rng: random.Random, start: int) -> Record:
    _, owner = person(rng)
    _, assignee = person(rng)
    return {
        "username": owner,
        "created": start + 600,
        "assigned_username": assignee,
        "reminder_date": start + DAY_S,
        "reminder_message": sentence(rng, 4),
        "status": rng.choice(("OPEN", "DONE")),
        "due_date": start + 2 * DAY_S,
    }


def _transcription(rng: random.Random) -> Record:
    phrases = []
    at = rng.randrange(500, 2000)
    for turn in range(rng.randint(2, 6)):
        length = rng.randrange(400, 5000)
        phrases.append(
            {
                "phrase": sentence(rng),
                "speaker": ("called", "caller")[turn % 2],
                "start": at,
                "end": at + length,
                "turn": turn,
            }
        )
        at += length + rng.randrange(200, 1500)
    return {
        "transcription_id": f"AY{rng.getrandbits(96):024x}",
        "language": "en",
        "text": "\n".join(str(p["phrase"]) for p in phrases),
        "phrases": phrases,
    }


def _clock(seconds: int) -> str:
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour:02d}:{minute:02d}:{second:02d}"
