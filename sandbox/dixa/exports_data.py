"""Synthetic conversations and messages for the Dixa Exports API, in its wire format.

Times are epoch milliseconds. One conversation is updated, and one message created,
exactly at every UTC midnight of the data's span, so window boundaries have records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.dixa.timeindex import TimeIndex
from sandbox.synthetic import (
    ANCHOR_MS,
    DAY_MS,
    HOUR_MS,
    SECOND_MS,
    maybe,
    person,
    phone,
    rng_for,
    sentence,
    uuid4,
)

if TYPE_CHECKING:
    import random
    from collections.abc import Iterable

Record = dict[str, Any]

CHANNELS = (
    "email", "widgetchat", "pstnphone", "contactform", "sms", "callback", "facebookmessenger",
)  # fmt: skip
QUEUES = (
    ("8f4c8a55-6a0e-4f4e-9d1e-1b7c1c0a0001", "Support"),
    ("8f4c8a55-6a0e-4f4e-9d1e-1b7c1c0a0002", "Billing"),
    ("8f4c8a55-6a0e-4f4e-9d1e-1b7c1c0a0003", "VIP"),
)
TAGS = (
    ("0b0e7a1c-0000-4000-8000-000000000001", "refund"),
    ("0b0e7a1c-0000-4000-8000-000000000002", "bug"),
    ("0b0e7a1c-0000-4000-8000-000000000003", "vip"),
    ("0b0e7a1c-0000-4000-8000-000000000004", "follow-up"),
)
MUTATED_TAG = ("0b0e7a1c-0000-4000-8000-00000000000f", "reopened")
CUSTOM_ATTRIBUTES = (
    ("c0c0a000-0000-4000-8000-000000000001", "order_number", "Text"),
    ("c0c0a000-0000-4000-8000-000000000002", "plan", "Select"),
)
FIRST_CONVERSATION_ID = 100_001


@dataclass(frozen=True)
class Mutation:
    """What one call to `ExportsData.mutate` changed."""

    updated_conversations: frozenset[int]
    new_conversations: frozenset[int]
    new_messages: frozenset[str]


@dataclass
class ExportsData:
    """The conversations and messages one Dixa organisation has, and their JSON."""

    seed: int
    conversations: dict[int, Record]
    messages: dict[str, Record]
    now_ms: int
    generation: int = 0
    _json: dict[Any, bytes] = field(default_factory=dict, repr=False)
    _indexes: dict[tuple[str, str], TimeIndex] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls, *, seed: int, conversations: int, days: int) -> ExportsData:
        """`conversations` spread over `days` days from the anchor, plus one per midnight."""
        end_ms = ANCHOR_MS + days * DAY_MS
        data = cls(seed=seed, conversations={}, messages={}, now_ms=end_ms)
        for n in range(conversations):
            rng = rng_for(seed, "conversation", n)
            created = ANCHOR_MS + rng.randrange(days * DAY_MS)
            updated = min(created + rng.randrange(3 * DAY_MS), end_ms - 1)
            data._add_conversation(rng, created, updated)
        for day in range(1, days):
            rng = rng_for(seed, "boundary", day)
            midnight = ANCHOR_MS + day * DAY_MS
            data._add_conversation(rng, midnight - rng.randrange(1, DAY_MS), midnight)
        return data

    def mutate(self) -> Mutation:
        """Advance one day: update about 5% of conversations, add about 2% new ones."""
        self.generation += 1
        rng = rng_for(self.seed, "mutation", self.generation)
        start, end = self.now_ms, self.now_ms + DAY_MS
        existing = sorted(self.conversations)
        updated = rng.sample(existing, k=max(3, len(existing) // 20))
        new_messages: set[str] = set()
        for conversation_id in updated:
            at = rng.randint(start + 1, end)
            conversation = self.conversations[conversation_id]
            new_messages.add(self._add_message(rng, conversation, at))
            conversation.update(
                status="closed",
                closed_at=at,
                updated_at=at,
                last_message_created_at=at,
                tags=[*conversation["tags"], MUTATED_TAG[1]],
                tags_info=[*conversation["tags_info"], _tag_info(MUTATED_TAG)],
            )
            self._json.pop(conversation_id, None)
        new_conversations = set()
        for n in range(max(3, len(existing) // 50)):
            conv_rng = rng_for(self.seed, "mutation", self.generation, "new", n)
            created = conv_rng.randint(start + 1, end)
            conversation_id, message_ids = self._add_conversation(
                conv_rng, created, conv_rng.randint(created, end)
            )
            new_conversations.add(conversation_id)
            new_messages.update(message_ids)
        self.now_ms = end
        self._indexes.clear()
        return Mutation(frozenset(updated), frozenset(new_conversations), frozenset(new_messages))

    def select(
        self, kind: str, field_name: str, window: tuple[int, int], inclusive: tuple[bool, bool]
    ) -> list[Any]:
        """Ids of `kind` ("conversations"/"messages") with `field_name` in the window.

        `inclusive` says whether the window's start and end are part of it.
        """
        index = self._indexes.get((kind, field_name))
        if index is None:
            records: dict[Any, Record] = getattr(self, kind)
            index = TimeIndex.build({key: r.get(field_name) for key, r in records.items()})
            self._indexes[kind, field_name] = index
        return index.between(*window, inclusive)

    def render(self, records: Iterable[Record]) -> bytes:
        """A JSON array of `records`, from cached per-record JSON."""
        parts = []
        for record in records:
            key = record["id"]
            rendered = self._json.get(key)
            if rendered is None:
                rendered = json.dumps(record, separators=(",", ":")).encode()
                self._json[key] = rendered
            parts.append(rendered)
        return b"[" + b",".join(parts) + b"]"

    def _add_conversation(
        self, rng: random.Random, created: int, updated: int
    ) -> tuple[int, list[str]]:
        """Add a conversation with 2-4 messages, the last one at `updated`."""
        conversation_id = FIRST_CONVERSATION_ID + len(self.conversations)
        conversation = _conversation(rng, conversation_id, created, updated)
        self.conversations[conversation_id] = conversation
        between = sorted(rng.randint(created, updated) for _ in range(rng.randint(0, 2)))
        message_ids = [
            self._add_message(rng, conversation, at) for at in [created, *between, updated]
        ]
        return conversation_id, message_ids

    def _add_message(self, rng: random.Random, conversation: Record, at: int) -> str:
        message = _message(rng, conversation, at)
        self.messages[message["id"]] = message
        return str(message["id"])


def _tag_info(tag: tuple[str, str]) -> Record:
    return {"id": tag[0], "name": tag[1], "is_deactivated": False}


def _conversation(rng: random.Random, conversation_id: int, created: int, updated: int) -> Record:
    channel = rng.choice(CHANNELS)
    requester_name, requester_email = person(rng)
    assignee_name, assignee_email = person(rng)
    queue_id, queue_name = rng.choice(QUEUES)
    queued = created + rng.randrange(1, 5 * 60 * SECOND_MS)
    assigned = maybe(rng, 0.8, queued + rng.randrange(1, HOUR_MS))
    status = "closed" if rng.random() < 0.6 else rng.choice(("open", "pending"))
    tags = rng.sample(TAGS, k=rng.randint(0, 2))
    rated = status == "closed" and rng.random() < 0.4
    ratings = [_rating(rng, updated)] if rated else []
    voice = channel in {"pstnphone", "callback"}
    record: Record = {
        "id": conversation_id,
        "created_at": created,
        "initial_channel": channel,
        "requester_id": uuid4(rng),
        "requester_name": requester_name,
        "requester_email": requester_email,
        "requester_additional_emails": [],
        "requester_phone_number": phone(rng) if voice else None,
        "requester_additional_phone_numbers": [],
        "queued_at": queued,
        "queue_id": queue_id,
        "queue_name": queue_name,
        "closed_at": updated if status == "closed" else None,
        "rating_score": ratings[0]["rating_score"] if ratings else None,
        "rating_message": ratings[0]["rating_message"] if ratings else None,
        "ratings": ratings,
        "direction": rng.choice(("inbound", "inbound", "outbound")),
        "assigned_at": assigned,
        "assignee_id": uuid4(rng) if assigned else None,
        "assignee_name": assignee_name if assigned else None,
        "assignee_email": assignee_email if assigned else None,
        "assignee_phone_number": None,
        "total_duration": rng.randrange(1000, 3_600_000) if voice else None,
        "handling_duration": rng.randrange(1000, 1_800_000),
        "widget_id": uuid4(rng) if channel == "widgetchat" else None,
        "widget_name": "Website chat" if channel == "widgetchat" else None,
        "tags": [name for _, name in tags],
        "tags_info": [_tag_info(tag) for tag in tags],
        "conversation_wrapup_notes": [sentence(rng)] if rng.random() < 0.2 else [],
        "originating_country": rng.choice(("DK", "SE", "NO", "DE", None)),
        "updated_at": updated,
        "last_message_created_at": updated,
        "status": status,
        "subject": sentence(rng, 4) if channel in {"email", "contactform"} else None,
        "custom_fields": [_custom_field(rng, attribute) for attribute in CUSTOM_ATTRIBUTES],
        "exports_handling_duration": rng.randrange(1, 1800),
    }
    if channel == "email":
        record["dixa_email_integration_id"] = "support@example.dixa.io"
        record["dixa_email_integration_sender_name"] = "Example Support"
        record["forwarding_email"] = "support@example.com"
    if channel == "facebookmessenger":
        record["facebook_page_id"] = str(rng.randint(10**14, 10**15))
        record["facebook_page_name"] = "Example on Facebook"
    if voice:
        record["to_provisioned_phone_number_id"] = uuid4(rng)
        record["to_provisioned_phone_number_name"] = "Main line"
        record["from_provisioned_phone_number_id"] = None
        record["from_provisioned_phone_number_name"] = None
    if rng.random() < 0.05:
        record["transferee_name"], _ = person(rng)
        record["transferee_number"] = phone(rng)
        record["transfer_time"] = queued + rng.randrange(1, HOUR_MS)
    if rng.random() < 0.02:
        record["anonymized_at"] = updated
    return record


def _rating(rng: random.Random, at: int) -> Record:
    offered = at - rng.randrange(1, HOUR_MS)
    return {
        "rating_score": rng.randint(1, 5),
        "rating_message": maybe(rng, 0.5, sentence(rng, 4)),
        "rating_type": "stars",
        "rating_created_timestamp": offered,
        "rating_offered_timestamp": offered,
        "rating_status": "rated",
        "rating_language": rng.choice(("en", "da", "sv")),
        "rating_modified_timestamp": at,
        "rating_rated_timestamp": at,
        "rating_scheduled_timestamp": None,
        "rating_scheduled_for_timestamp": None,
        "rating_unscheduled_timestamp": None,
        "rating_cancelled_timestamp": None,
    }


def _custom_field(rng: random.Random, attribute: tuple[str, str, str]) -> Record:
    attribute_id, identifier, data_type = attribute
    value = f"#{rng.randint(10_000, 99_999)}" if data_type == "Text" else "pro"
    return {
        "attribute_id": attribute_id,
        "identifier": identifier,
        "value": value,
        "data_type": data_type,
        "archived": False,
    }


def _message(rng: random.Random, conversation: Record, at: int) -> Record:
    channel = conversation["initial_channel"]
    inbound = rng.random() < 0.5
    author_name, author_email = (
        (conversation["requester_name"], conversation["requester_email"])
        if inbound
        else person(rng)
    )
    voice = channel in {"pstnphone", "callback"}
    record: Record = {
        "id": uuid4(rng),
        "csid": conversation["id"],
        "created_at": at,
        "initial_channel": channel,
        "author_name": author_name,
        "author_email": author_email,
        "direction": "inbound" if inbound else "outbound",
        "text": None if voice else f"<p>{sentence(rng, 10)}</p>",
        "duration": rng.randrange(1000, 600_000) if voice else None,
        "is_automated_message": rng.random() < 0.1,
        "attached_files": [f"https://files.example.com/{uuid4(rng)}.pdf"]
        if rng.random() < 0.05
        else [],
    }
    if channel == "email":
        record["from"] = author_email
        record["to"] = ["support@example.com"]
        record["cc"] = []
        record["bcc"] = []
    if voice:
        record["from_phone_number"] = conversation.get("requester_phone_number")
        record["to_phone_number"] = phone(rng)
        record["recording_url"] = maybe(rng, 0.7, f"https://rec.example.com/{uuid4(rng)}.mp3")
        record["voicemail_url"] = None
    if channel == "widgetchat" and rng.random() < 0.3:
        record["chat_input_question"] = "What is your order number?"
        record["chat_input_answer"] = str(rng.randint(10_000, 99_999))
        record["chat_menu_text"] = "Orders"
    if channel == "contactform":
        record["formSubmission"] = {"fields": {"topic": rng.choice(("order", "refund"))}}
    return record
