"""Synthetic Open CX data in its wire format.

Sessions with their history and CSAT scores, contacts, handoff events and insights. A
session and a contact are updated, and a handoff event is created, exactly at every UTC
midnight of the data's span, so window boundaries have records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.opencx.table import Record, Table, iso, milliseconds
from sandbox.synthetic import (
    ANCHOR_MS,
    DAY_MS,
    HOUR_MS,
    maybe,
    person,
    phone,
    rng_for,
    sentence,
    uuid4,
)

if TYPE_CHECKING:
    import random

CHANNELS = (
    "web", "email", "phone_voice", "slack", "sms", "whatsapp", "instagram", "messenger",
    "api", "web_voice",
)  # fmt: skip
SESSION_STATUSES = ("open", "closed_resolved", "closed_unresolved")
SENTIMENTS = ("angry", "happy", "neutral")
LANGUAGES = ("en", "de", "fr", "nl", "da", "sv", "es")
HANDOFF_REASONS = (
    "based_on_instructions", "instructions_not_clear", "insufficient_knowledge",
    "insufficient_tools", "prohibited_topic", "user_requested_human_assistance",
)  # fmt: skip
TEAMS = (
    {"id": "7e1d0c52-1b9e-4c5e-9a51-000000000001", "name": "Support", "description": "First line"},
    {"id": "7e1d0c52-1b9e-4c5e-9a51-000000000002", "name": "Billing", "description": None},
)
CATEGORIES = (
    {"id": "5ca7e609-4a5c-4e1f-8f00-000000000001", "name": "Billing", "description": "Money"},
    {"id": "5ca7e609-4a5c-4e1f-8f00-000000000002", "name": "Shipping", "description": None},
    {"id": "5ca7e609-4a5c-4e1f-8f00-000000000003", "name": "Product", "description": "Features"},
)
PLANS = ("free", "pro", "enterprise")
ORGANIZATION_ID = "0c9a1f3e-5d4b-4a6e-8f7d-000000000001"


def event_key(session_id: str, created_at: str) -> str:
    """The key of a handoff event (the API gives them no id)."""
    return f"{session_id}/{created_at}"


@dataclass(frozen=True)
class Mutation:
    """What one call to `OpenCxData.mutate` changed."""

    updated_sessions: frozenset[str]
    new_sessions: frozenset[str]
    new_history: frozenset[str]
    """Ids of the history events added, to updated and new sessions."""
    updated_contacts: frozenset[str]
    new_contacts: frozenset[str]
    new_handoff_events: frozenset[str]
    new_insights: frozenset[str]
    updated_insights: frozenset[str]


@dataclass
class OpenCxData:
    """Everything one Open CX organisation has."""

    seed: int
    now_ms: int
    sessions: Table = field(default_factory=Table)
    contacts: Table = field(default_factory=Table)
    history: dict[str, list[Record]] = field(default_factory=dict)
    """Each session's history, oldest first."""
    csat: Table = field(default_factory=Table)
    """CSAT scores by session id."""
    handoff_events: Table = field(default_factory=Table)
    insights: Table = field(default_factory=Table)
    insight_sessions: dict[str, list[str]] = field(default_factory=dict)
    """The sessions behind each insight (not exposed; the insights filters use them)."""
    generation: int = 0

    @classmethod
    def generate(cls, *, seed: int, sessions: int, days: int) -> OpenCxData:
        """`sessions` sessions over `days` days from the anchor, plus one per midnight."""
        end = ANCHOR_MS + days * DAY_MS
        data = cls(seed=seed, now_ms=end)
        for n in range(max(10, sessions // 2)):
            rng = rng_for(seed, "contact", n)
            created = ANCHOR_MS + rng.randrange(days * DAY_MS)
            data._add_contact(rng, created, min(created + rng.randrange(5 * DAY_MS), end - 1))
        contact_ids = list(data.contacts.records)
        for n in range(sessions):
            rng = rng_for(seed, "session", n)
            created = ANCHOR_MS + rng.randrange(days * DAY_MS)
            updated = min(created + rng.randrange(3 * DAY_MS), end - 1)
            handed_off = rng.random() < 0.2
            data._add_session(rng, rng.choice(contact_ids), created, updated, handed_off=handed_off)
        for day in range(1, days):
            rng = rng_for(seed, "boundary", day)
            midnight = ANCHOR_MS + day * DAY_MS
            contact = data._add_contact(rng, midnight - rng.randrange(1, DAY_MS), midnight)
            data._add_session(
                rng, contact, midnight - rng.randrange(1, DAY_MS), midnight, handed_off=True
            )
        session_ids = sorted(data.sessions.records)
        for n in range(max(5, sessions // 10)):
            rng = rng_for(seed, "insight", n)
            linked = rng.sample(session_ids, k=3)
            seen = max(milliseconds(data.sessions[s]["created_at"]) for s in linked)
            data._add_insight(rng, linked, min(seen + rng.randrange(HOUR_MS), end - 1))
        return data

    def mutate(self) -> Mutation:
        """Advance one day: update about 5% of sessions and 3% of contacts, add 2% more."""
        self.generation += 1
        rng = rng_for(self.seed, "mutation", self.generation)
        start, end = self.now_ms, self.now_ms + DAY_MS
        history_before = {e["id"] for events in self.history.values() for e in events}
        events_before = set(self.handoff_events.records)
        existing = sorted(self.sessions.records)
        updated = rng.sample(existing, k=max(3, len(existing) // 20))
        for session_id in updated:
            self._update_session(rng, session_id, rng.randint(start + 1, end))
        contacts = sorted(self.contacts.records)
        updated_contacts = rng.sample(contacts, k=max(3, len(contacts) // 30))
        for contact_id in updated_contacts:
            contact = self.contacts[contact_id]
            contact["name"], _ = person(rng)
            contact["updated_at"] = iso(rng.randint(start + 1, end))
            self.contacts.put(contact_id, contact)
        new_sessions, new_contacts = set(), set()
        for n in range(max(3, len(existing) // 50)):
            session_rng = rng_for(self.seed, "mutation", self.generation, "new", n)
            created = session_rng.randint(start + 1, end)
            contact_id = self._add_contact(session_rng, created, created)
            new_contacts.add(contact_id)
            new_sessions.add(
                self._add_session(
                    session_rng,
                    contact_id,
                    created,
                    session_rng.randint(created, end),
                    handed_off=True,
                )
            )
        new_insights = set()
        for n in range(2):
            insight_rng = rng_for(self.seed, "mutation", self.generation, "insight", n)
            linked = insight_rng.sample(sorted(new_sessions), k=2)
            new_insights.add(self._add_insight(insight_rng, linked, end))
        updated_insights = set(rng.sample(sorted(set(self.insights.records) - new_insights), k=2))
        for insight_id in updated_insights:
            self._link_session(insight_id, rng.choice(sorted(new_sessions)))
        self.now_ms = end
        return Mutation(
            updated_sessions=frozenset(updated),
            new_sessions=frozenset(new_sessions),
            new_history=frozenset(
                {e["id"] for events in self.history.values() for e in events} - history_before
            ),
            updated_contacts=frozenset(updated_contacts),
            new_contacts=frozenset(new_contacts),
            new_handoff_events=frozenset(set(self.handoff_events.records) - events_before),
            new_insights=frozenset(new_insights),
            updated_insights=frozenset(updated_insights),
        )

    def _add_contact(self, rng: random.Random, created: int, updated: int) -> str:
        name, email = person(rng)
        contact: Record = {
            "id": uuid4(rng),
            "email": email,
            "phone_number": maybe(rng, 0.4, "+" + phone(rng)),
            "name": name,
            "custom_data": {"plan": rng.choice(PLANS), "customer_number": rng.randint(1, 9999)},
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        self.contacts.put(contact["id"], contact)
        return str(contact["id"])

    def _add_session(
        self,
        rng: random.Random,
        contact_id: str,
        created: int,
        updated: int,
        *,
        handed_off: bool,
    ) -> str:
        contact = self.contacts[contact_id]
        channel = rng.choice(CHANNELS)
        status = rng.choice(SESSION_STATUSES)
        session: Record = {
            "id": uuid4(rng),
            "status": status,
            "ai_closure_type": "handed_off"
            if handed_off
            else (None if status == "open" else rng.choice(("assumed_resolved", "resolved"))),
            "sentiment": rng.choice(SENTIMENTS),
            "channel": {"type": channel},
            "ticket_number": len(self.sessions) + 1,
            "assist_mode": rng.random() < 0.1,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "contact": {
                "id": contact["id"],
                "email": contact["email"],
                "phone_number": contact["phone_number"],
                "name": contact["name"],
                "custom_data": contact["custom_data"],
                "non_verified_name": None,
                "non_verified_email": maybe(rng, 0.1, contact["email"]),
                "non_verified_custom_data": {},
            },
            "language": rng.choice(LANGUAGES),
            "assignee_id": str(rng.randint(1, 40)) if handed_off else None,
            "custom_data": {"order_id": f"#{rng.randint(10_000, 99_999)}"},
            "team": rng.choice((*TEAMS, None)),
            "handoff": {"summary": sentence(rng), "sentiment": rng.choice(SENTIMENTS)}
            if handed_off
            else None,
            "ticketing_system": {
                "name": "dynamics365",
                "external_id": str(rng.randint(10**5, 10**6)),
                "id_type": "case_id",
            }
            if rng.random() < 0.3
            else None,
            "summary": sentence(rng, 8),
        }
        session_id = str(session["id"])
        self.sessions.put(session_id, session)
        between = sorted(rng.randint(created, updated) for _ in range(rng.randint(1, 3)))
        self.history[session_id] = [
            _history_event(rng, session, at) for at in [created, *between, updated]
        ]
        if handed_off:
            self._add_handoff_event(rng, session_id, updated)
        if status != "open" and rng.random() < 0.4:
            self._score(rng, session_id, updated)
        return session_id

    def _update_session(self, rng: random.Random, session_id: str, at: int) -> None:
        """A customer writes again; the session is resolved, scored, maybe handed off."""
        session = self.sessions[session_id]
        session["status"] = "closed_resolved"
        session["updated_at"] = iso(at)
        self.sessions.put(session_id, session)
        self.history[session_id].append(_history_event(rng, session, at))
        self._score(rng, session_id, at)
        if rng.random() < 0.3:
            self._add_handoff_event(rng, session_id, at)

    def _score(self, rng: random.Random, session_id: str, at: int) -> None:
        session = self.sessions[session_id]
        score = self.csat.records.get(session_id)
        if score is None:
            score = {
                "id": uuid4(rng),
                "organization_id": ORGANIZATION_ID,
                "session_id": session_id,
                "created_at": iso(at),
                "contact": {
                    "id": session["contact"]["id"],
                    "name": session["contact"]["name"],
                    "email": session["contact"]["email"],
                },
            }
        score.update(
            score=rng.randint(1, 5),
            comment=maybe(rng, 0.5, sentence(rng, 5)),
            channel=session["channel"]["type"],
            updated_at=iso(at),
        )
        self.csat.put(session_id, score)

    def _add_handoff_event(self, rng: random.Random, session_id: str, at: int) -> None:
        created_at = iso(at)
        self.handoff_events.put(
            event_key(session_id, created_at),
            {
                "session_id": session_id,
                "summary": sentence(rng, 6),
                "explanation": sentence(rng, 10),
                "reasons": rng.sample(HANDOFF_REASONS, k=rng.randint(1, 2)),
                "created_at": created_at,
            },
        )

    def _add_insight(self, rng: random.Random, sessions: list[str], created: int) -> str:
        number = len(self.insights) + 1
        state = rng.random()
        resolved = iso(created + rng.randrange(HOUR_MS)) if state < 0.2 else None
        archived = iso(created + rng.randrange(HOUR_MS)) if 0.2 <= state < 0.3 else None
        researched = rng.random() < 0.3
        insight: Record = {
            "id": uuid4(rng),
            "insight_number": number,
            "content": sentence(rng, 9),
            "sentiment": rng.choice(SENTIMENTS),
            "occurrence_count": 0,
            "category": rng.choice(CATEGORIES),
            "team": {k: v for k, v in rng.choice(TEAMS).items() if k != "description"}
            if rng.random() < 0.7
            else None,
            "resolved_by": {"name": person(rng)[0], "avatar_url": None} if resolved else None,
            "resolved_at": resolved,
            "archived_by": {"name": person(rng)[0], "avatar_url": None, "reason": "duplicate"}
            if archived
            else None,
            "archived_at": archived,
            "deep_research": sentence(rng, 12) if researched else None,
            "deep_research_completed_at": iso(created + HOUR_MS) if researched else None,
            "first_seen_at": None,
            "last_seen_at": None,
            "created_at": iso(created),
            "updated_at": iso(created),
        }
        insight_id = str(insight["id"])
        self.insights.put(insight_id, insight)
        self.insight_sessions[insight_id] = []
        for session_id in sessions:
            self._link_session(insight_id, session_id)
        return insight_id

    def _link_session(self, insight_id: str, session_id: str) -> None:
        """Another session shows the insight: its count and last sighting move on."""
        linked = self.insight_sessions[insight_id]
        linked.append(session_id)
        seen = sorted(self.sessions[s]["created_at"] for s in linked)
        insight = self.insights[insight_id]
        insight["occurrence_count"] = len(linked)
        insight["first_seen_at"], insight["last_seen_at"] = seen[0], seen[-1]
        insight["updated_at"] = max(insight["created_at"], seen[-1])
        self.insights.put(insight_id, insight)


def _history_event(rng: random.Random, session: Record, at: int) -> Record:
    kind = rng.choices(("message", "handoff", "status_change"), weights=(8, 1, 1))[0]
    if kind == "message":
        from_contact = rng.random() < 0.5
        sender = (
            {"type": "contact", "name": session["contact"]["name"]}
            if from_contact
            else {"type": "ai", "name": "AI agent"}
        )
        attachments = (
            [
                {
                    "id": uuid4(rng),
                    "name": "receipt.pdf",
                    "size": rng.randint(1_000, 900_000),
                    "type": "application/pdf",
                    "url": f"https://files.example.com/{uuid4(rng)}.pdf",
                }
            ]
            if rng.random() < 0.1
            else []
        )
        event: dict[str, Any] = {
            "type": "message",
            "sender": sender,
            "content": {"type": "text", "text": sentence(rng, 8)},
            "attachments": attachments,
            "context": {"page_url": "https://shop.example.com/orders"} if from_contact else {},
        }
    elif kind == "handoff":
        event = {"type": "handoff", "sender": {"type": "ai", "name": "AI agent"}, "context": {}}
    else:
        event = {"type": "status_change", "status": session["status"], "context": {}}
    return {"id": uuid4(rng), "created_at": iso(at), "event": event}
