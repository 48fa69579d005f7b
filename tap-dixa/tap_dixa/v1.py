"""Streams of the Dixa API v1: the organisation's activity log and its reference data."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

from support_taps_common.times import whole_second
from support_taps_common.windowed import WindowedStream
from typing_extensions import override

from tap_dixa.client import DixaApiStream
from tap_dixa.timestamps import SECOND, iso, parse_api_instant, utc_z

if TYPE_CHECKING:
    from datetime import datetime

    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.windows import Window


class ActivityLogsStream(DixaApiStream, WindowedStream):
    """Everything that happened to conversations, by when it happened."""

    name = "activity_logs"
    path = "/v1/conversations/activitylog"
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    replication_key = "activityTimestamp"
    paged = True

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["activity_log_window_days"]))

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # The bounds' inclusivity is undocumented and singer-io's whole seconds are the
        # proven format: ask for a second more on each side, keep [start, end).
        window = self.window
        return {
            **super().get_url_params(context, next_page_token),
            "fromDatetime": utc_z(whole_second(window.start) - SECOND, "seconds"),
            "toDatetime": utc_z(whole_second(window.end) + SECOND, "seconds"),
        }

    @override
    def place(self, record: Record, window: Window) -> tuple[datetime, str] | None:
        try:
            at = parse_api_instant(str(record["activityTimestamp"]))
        except (KeyError, ValueError) as error:
            raise self.malformed_record(record, error) from None
        if not window.start <= at < window.end:
            return None
        record["activityTimestamp"] = at  # `shape` writes it out once
        return at, str(record.get("id"))

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return iso(moment)


class ReferenceStream(DixaApiStream):
    """A list read whole on every run (the API offers no change tracking)."""

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)


class AgentsStream(ReferenceStream):
    """Agents and admins."""

    name = "agents"
    path = "/v1/agents"
    paged = True


class EndUsersStream(ReferenceStream):
    """End users (contacts), with their custom attributes."""

    name = "end_users"
    path = "/v1/endusers"
    paged = True


class ParentStream(ReferenceStream):
    """A list whose records each have members, read by a child stream."""

    child_key: ClassVar[str]
    """The context key, e.g. `queue_id`, that names a record to its members."""

    @override
    def get_child_context(self, record: Record, context: Context | None) -> Context:
        return {self.child_key: record["id"]}


class MembersStream(ReferenceStream):
    """The members of each record of a parent stream, with the parent's id added."""

    state_partitioning_keys: ClassVar[list[str]] = []  # one state for all, none per parent

    @override
    def shape(self, row: Record, context: Context | None) -> Record | None:
        key = cast("type[ParentStream]", self.parent_stream_type).child_key
        return super().shape({**row, key: (context or {})[key]}, context)


class QueuesStream(ParentStream):
    """Queues and their settings."""

    name = "queues"
    path = "/v1/queues"
    child_key = "queue_id"


class QueueMembersStream(MembersStream):
    """The agents of each queue, with their priority in it."""

    name = "queue_members"
    path = "/v1/queues/{queue_id}/members"
    parent_stream_type = QueuesStream
    primary_keys: ClassVar[tuple[str, ...]] = ("queue_id", "agentId")


class TagsStream(ReferenceStream):
    """Conversation tags, active and inactive."""

    name = "tags"
    path = "/v1/tags"


class TeamsStream(ParentStream):
    """Teams of agents."""

    name = "teams"
    path = "/v1/teams"
    child_key = "team_id"


class TeamMembersStream(MembersStream):
    """The agents of each team."""

    name = "team_members"
    path = "/v1/teams/{team_id}/agents"
    parent_stream_type = TeamsStream
    primary_keys: ClassVar[tuple[str, ...]] = ("team_id", "id")


class CustomAttributesStream(ReferenceStream):
    """Definitions of the custom attributes of conversations and contacts."""

    name = "custom_attributes"
    path = "/v1/custom-attributes"


class ContactEndpointsStream(ReferenceStream):
    """The organisation's email addresses and phone numbers."""

    name = "contact_endpoints"
    path = "/v1/contact-endpoints"

    @override
    def shape(self, row: Record, context: Context | None) -> Record | None:
        # The API identifies an endpoint by its address or number (GET .../{id}).
        endpoint_id = row.get("address") or row.get("number")
        return super().shape({**row, "id": endpoint_id}, context)
