"""The organisation behind the simulated Dixa API v1, in its wire format.

The activity log follows the Exports API's conversations (same ids and times, one entry
per message, so one lands on every UTC midnight the exports data has a record on). End
users are the conversations' requesters. Agents, teams, queues, tags, custom attributes
and contact endpoints are a small organisation of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.dixa.exports_data import CUSTOM_ATTRIBUTES, MUTATED_TAG, QUEUES, TAGS
from sandbox.dixa.javatime import instant, zoned
from sandbox.dixa.timeindex import TimeIndex
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

    from sandbox.dixa.exports_data import ExportsData, Mutation, Record

INACTIVE_TAG = ("0b0e7a1c-0000-4000-8000-00000000000e", "legacy")
TEAMS = ("Frontline", "Escalations", "Night shift", "Billing specialists")
EMAIL_ENDPOINTS = (
    ("support@example.com", "Support", None),
    ("billing@example.com", "Billing", "invoices@example.com"),
)
PHONE_ENDPOINTS = (("+4570202020", "Main line"), ("+4570303030", "Callbacks"))
CONTACT_ATTRIBUTE = ("c0c0a000-0000-4000-8000-000000000003", "loyalty_tier", "Select")
ORGANIZATION_ID = "6f0e3c2a-0000-4000-8000-0000000000aa"
CHANNELS = {  # exports channel -> the v1 API's spelling
    "email": "Email",
    "widgetchat": "WidgetChat",
    "pstnphone": "PstnPhone",
    "contactform": "ContactForm",
    "sms": "Sms",
    "callback": "Callback",
    "facebookmessenger": "FacebookMessenger",
}


@dataclass
class ApiData:
    """Reference data and the activity log of one Dixa organisation."""

    seed: int
    exports: ExportsData
    agents: list[Record]
    teams: list[Record]
    team_members: dict[str, list[Record]]
    queues: list[Record]
    queue_members: dict[str, list[Record]]
    tags: list[Record]
    custom_attributes: list[Record]
    contact_endpoints: list[Record]
    activities: dict[str, Record] = field(default_factory=dict)
    """The activity log by id, as generated (with None where the API omits a field)."""
    activity_ms: dict[str, int] = field(default_factory=dict)
    """Ground truth: each activity's time in epoch ms."""
    _rendered: dict[str, list[bytes]] = field(default_factory=dict, repr=False)
    _activity_json: dict[str, bytes] = field(default_factory=dict, repr=False)
    _activity_index: TimeIndex | None = field(default=None, repr=False)

    @classmethod
    def generate(cls, *, seed: int, exports: ExportsData, size: int) -> ApiData:
        """An organisation with agents in proportion to `size`, over `exports`' conversations."""
        agents = [_agent(rng_for(seed, "agent", n)) for n in range(10 + size // 25)]
        rng = rng_for(seed, "organisation")
        teams = [{"id": uuid4(rng), "name": name} for name in TEAMS]
        data = cls(
            seed=seed,
            exports=exports,
            agents=agents,
            teams=teams,
            team_members={
                team["id"]: [_team_member(a) for a in rng.sample(agents, k=len(agents) // 3)]
                for team in teams
            },
            queues=[_queue(rng, queue_id, name) for queue_id, name in QUEUES],
            queue_members={
                queue_id: [
                    {"agentId": a["id"], "priority": rng.randint(1, 3)}
                    for a in rng.sample(agents, k=len(agents) // 2)
                ]
                for queue_id, _ in QUEUES
            },
            tags=[_tag(rng, tag, "Active") for tag in (*TAGS, MUTATED_TAG)]
            + [_tag(rng, INACTIVE_TAG, "Inactive")],
            custom_attributes=[
                _attribute_definition(rng, attribute, "Conversation")
                for attribute in CUSTOM_ATTRIBUTES
            ]
            + [_attribute_definition(rng, CONTACT_ATTRIBUTE, "Contact")],
            contact_endpoints=[
                {
                    "address": address,
                    "senderOverride": sender,
                    "name": name,
                    "_type": "EmailEndpoint",
                }
                for address, name, sender in EMAIL_ENDPOINTS
            ]
            + [
                {
                    "number": number,
                    "functionality": ["VoiceInbound", "VoiceOutbound", "Sms"],
                    "name": name,
                    "_type": "TelephonyEndpoint",
                }
                for number, name in PHONE_ENDPOINTS
            ],
        )
        messages = _messages_by_conversation(exports.messages.values())
        for conversation in exports.conversations.values():
            data._log_conversation(conversation, messages.get(conversation["id"], []))
        return data

    def mutate(self, changes: Mutation) -> None:
        """Log what `changes` did to the exports data (all of it later than before)."""
        messages = _messages_by_conversation(
            self.exports.messages[m] for m in sorted(changes.new_messages)
        )
        for conversation_id in sorted(changes.new_conversations):
            conversation = self.exports.conversations[conversation_id]
            self._log_conversation(conversation, messages.get(conversation_id, []))
        for conversation_id in sorted(changes.updated_conversations):
            conversation = self.exports.conversations[conversation_id]
            log = _Log(self, conversation, self.exports.generation)
            for message in messages.get(conversation_id, []):
                log.message(message)
            log.add("TagAdded", conversation["updated_at"], {"tag": MUTATED_TAG[1]})
            log.add("ConversationClosed", conversation["closed_at"])
        self._rendered.clear()
        self._activity_index = None

    @property
    def end_users(self) -> list[Record]:
        """One end user per conversation requester."""
        return [_end_user(self.seed, c) for c in self.exports.conversations.values()]

    def rendered(self, name: str, key: str | None = None) -> list[bytes] | None:
        """The JSON of every item of a list, e.g. "agents", or "team_members" of one team.

        None if `key` names no team or queue.
        """
        cache_key = f"{name}/{key}"
        items = self._rendered.get(cache_key)
        if items is None:
            records: list[Record] | None = getattr(self, name)
            if key is not None:
                records = getattr(self, name).get(key)
            if records is None:
                return None
            items = [_json(r) for r in records]
            self._rendered[cache_key] = items
        return items

    def activity_log(self, after: int, before: int, inclusive: tuple[bool, bool]) -> list[bytes]:
        """Activities timed in the window, in id order (the API promises no order)."""
        if self._activity_index is None:
            self._activity_index = TimeIndex.build(self.activity_ms)
        ids = sorted(self._activity_index.between(after, before, inclusive))
        return [self._activity_json[i] for i in ids]

    def _log_conversation(self, conversation: Record, messages: list[Record]) -> None:
        log = _Log(self, conversation)
        inbound = conversation["direction"] == "inbound"
        subject = {"subject": conversation["subject"]} if conversation["subject"] else {}
        created = "ConversationCreatedByCustomer" if inbound else "ConversationCreatedByAgent"
        log.add(created, conversation["created_at"], subject)
        offered = log.rng.sample(self.agents, k=2)
        names = [a["displayName"] for a in offered]
        offer = {"agentNames": names, "queueLabel": conversation["queue_name"]}
        log.add("ConversationOffered", conversation["queued_at"], offer)
        assigned = conversation["assigned_at"]
        if assigned is not None:
            agent = offered[0]
            assignment = {"agentId": agent["id"], "agentName": agent["displayName"]}
            log.add("ConversationAssigned", assigned, assignment)
            if log.rng.random() < 0.1:
                log.add("ConversationReserved", assigned, _reserved(agent, conversation, assigned))
        for message in messages:
            log.message(message)
        for tag in conversation["tags"]:
            log.add("TagAdded", conversation["queued_at"], {"tag": tag})
        for note in conversation["conversation_wrapup_notes"]:
            log.add("NoteAdded", conversation["updated_at"], {"message": note})
        for rating in conversation["ratings"]:
            offered_at = rating["rating_offered_timestamp"]
            schedule = {"ratingScheduledTime": zoned(offered_at)}
            log.add("ConversationRatingScheduled", offered_at, schedule)
            rated = {
                "agent": _user(log.rng.choice(self.agents)),
                "score": rating["rating_score"],
                "message": rating["rating_message"],
            }
            log.add("ConversationRated", rating["rating_rated_timestamp"], rated)
        if conversation["closed_at"] is not None:
            log.add("ConversationClosed", conversation["closed_at"])


class _Log:
    """Adds one conversation's activities to the log."""

    def __init__(self, data: ApiData, conversation: Record, generation: int = 0) -> None:
        self.data = data
        self.conversation = conversation
        self.rng = rng_for(data.seed, "activity", conversation["id"], generation)

    def message(self, message: Record) -> None:
        inbound = message["direction"] == "inbound"
        kind = "MessageAddedByCustomer" if inbound else "MessageAddedByAgent"
        added = {"messageId": message["id"], "fromEndpoint": message.get("from")}
        self.add(kind, message["created_at"], added)

    def add(self, kind: str, at: int, attributes: Record | None = None) -> None:
        conversation = self.conversation
        if kind.endswith("ByCustomer"):
            author = {
                "id": conversation["requester_id"],
                "name": conversation["requester_name"],
                "email": conversation["requester_email"],
            }
        else:
            author = _user(self.rng.choice(self.data.agents))
        entry: Record = {
            "id": uuid4(self.rng),
            "conversationId": conversation["id"],
            "activityTimestamp": zoned(at),
            "activityType": f"{kind}ActivityType",
            "_type": kind,
            "author": author,
            "attributes": attributes,
        }
        self.data.activities[entry["id"]] = entry
        self.data.activity_ms[entry["id"]] = at
        self.data._activity_json[entry["id"]] = _json(entry)  # noqa: SLF001


def _json(record: Record) -> bytes:
    """A record as the API writes it: optional fields without a value are left out."""
    return json.dumps(_compact(record), separators=(",", ":")).encode()


def _compact(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _messages_by_conversation(messages: Any) -> dict[int, list[Record]]:  # noqa: ANN401
    grouped: dict[int, list[Record]] = {}
    for message in messages:
        grouped.setdefault(message["csid"], []).append(message)
    return grouped


def _reserved(agent: Record, conversation: Record, at: int) -> Record:
    return {
        "agent": _user(agent),
        "queueId": conversation["queue_id"],
        "queueName": conversation["queue_name"],
        "reservationType": "PreferredAgent",
        "validUntil": zoned(at + HOUR_MS),
    }


def _user(agent: Record) -> Record:
    return {"id": agent["id"], "name": agent["displayName"], "email": agent["email"]}


def _agent(rng: random.Random) -> Record:
    name, email = person(rng)
    first, last = name.split(" ")
    return {
        "id": uuid4(rng),
        "createdAt": instant(ANCHOR_MS - rng.randrange(1, 400) * DAY_MS - rng.randrange(DAY_MS)),
        "displayName": name,
        "email": email,
        "avatarUrl": maybe(rng, 0.5, f"https://files.dixa.io/public/{uuid4(rng)}"),
        "phoneNumber": maybe(rng, 0.3, "+" + phone(rng)),
        "additionalEmails": [],
        "additionalPhoneNumbers": [],
        "firstName": first,
        "lastName": last,
        "middleNames": [],
        "roles": ["Agent"] if rng.random() < 0.8 else ["Agent", "TeamLead", "Admin"],
    }


def _team_member(agent: Record) -> Record:
    return {
        "id": agent["id"],
        "name": agent["displayName"],
        "email": agent["email"],
        "phoneNumber": agent["phoneNumber"],
    }


def _queue(rng: random.Random, queue_id: str, name: str) -> Record:
    return {
        "id": queue_id,
        "name": name,
        "isDefault": name == "Support",
        "organizationId": ORGANIZATION_ID,
        "queueThresholds": {"SlaPercentage": 80, "WaitingConversations": rng.randint(5, 20)},
        "slaCalculationMethod": "AbandonedIgnored",
        "offerTimeout": 30,
        "offeringAlgorithm": rng.choice(("OneAtATimeRandom", "AllAtOnce", "LongestIdle")),
        "memberListType": "Default",
        "usages": {"queueId": queue_id, "usages": {"Email": [EMAIL_ENDPOINTS[0][0]]}},
        "wrapupTimeout": 60,
        "priority": rng.randint(1, 5),
        "offerAbandonedConversations": False,
        "doNotOfferTimeouts": {"WidgetChat": 1},
        "isDoNotOfferEnabled": False,
        "isPreferredAgentEnabled": rng.random() < 0.5,
        "preferredAgentTimeouts": {"Email": 43200, "PstnPhone": 300},
        "preferredAgentOfflineTimeout": 500,
        "personalAgentOfflineTimeout": 500,
    }


def _tag(rng: random.Random, tag: tuple[str, str], state: str) -> Record:
    return {
        "id": tag[0],
        "name": tag[1],
        "color": f"#{rng.randrange(0x1000000):06x}",
        "state": state,
    }


def _attribute_definition(
    rng: random.Random, attribute: tuple[str, str, str], entity: str
) -> Record:
    attribute_id, identifier, kind = attribute
    created = ANCHOR_MS - rng.randrange(30, 300) * DAY_MS + rng.randrange(DAY_MS)
    if kind == "Text":
        definition: Record = {"placeholder": "#12345", "_type": "Text"}
    else:
        options = [_option(rng, value) for value in ("basic", "pro", "enterprise")]
        definition = {"options": options, "_type": "Select"}
    return {
        "description": f"The {identifier.replace('_', ' ')}",
        "id": attribute_id,
        "entityType": entity,
        "identifier": identifier,
        "label": identifier.replace("_", " ").capitalize(),
        "inputDefinition": definition,
        "createdAt": zoned(created),
        "updatedAt": zoned(created + rng.randrange(DAY_MS, 20 * DAY_MS)),
        "isRequired": False,
        "isArchived": False,
        "isDeactivated": False,
    }


def _option(rng: random.Random, value: str) -> Record:
    return {
        "id": uuid4(rng),
        "label": value.title(),
        "value": value,
        "nestedOptions": [],
        "isDeactivated": False,
    }


def _end_user(seed: int, conversation: Record) -> Record:
    rng = rng_for(seed, "enduser", conversation["requester_id"])
    first, last = conversation["requester_name"].split(" ")
    return {
        "id": conversation["requester_id"],
        "createdAt": instant(conversation["created_at"] - rng.randrange(1, 90 * DAY_MS)),
        "displayName": conversation["requester_name"],
        "email": conversation["requester_email"],
        "phoneNumber": conversation["requester_phone_number"],
        "additionalEmails": [],
        "additionalPhoneNumbers": [],
        "firstName": first,
        "lastName": last,
        "middleNames": [],
        "avatarUrl": maybe(rng, 0.2, f"https://files.dixa.io/public/{uuid4(rng)}"),
        "externalId": maybe(rng, 0.5, f"#{rng.randint(10_000_000, 99_999_999)}"),
        "customAttributes": [
            {
                "id": CONTACT_ATTRIBUTE[0],
                "name": "Loyalty tier",
                "identifier": CONTACT_ATTRIBUTE[1],
                "value": [rng.choice(("basic", "pro", "enterprise"))],
            },
            {
                "id": CUSTOM_ATTRIBUTES[0][0],
                "name": "Order number",
                "identifier": CUSTOM_ATTRIBUTES[0][1],
                "value": sentence(rng, 1),
            },
        ],
    }
