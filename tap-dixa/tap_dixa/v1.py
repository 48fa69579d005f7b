"""Streams of the Dixa API v1: the organisation's activity log and its reference data."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

from typing_extensions import override

from tap_dixa.api import DixaApiStream
from tap_dixa.incremental import WindowedStream
from tap_dixa.timestamps import parse_api_instant, utc_z

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_dixa.windows import Window

SECOND = timedelta(seconds=1)


class ActivityLogsStream(DixaApiStream, WindowedStream):
    """Everything that happened to conversations, by when it happened."""

    name = "activity_logs"
    path = "/v1/conversations/activitylog"
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    replication_key = "activityTimestamp"
    paged = True

    @override
    @cached_property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["activity_log_window_days"]))

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {**super().get_url_params(context, next_page_token), **(context or {})}

    @override
    def window_records(self, window: Window, context: Context | None) -> list[dict[str, Any]]:
        # The bounds' inclusivity is undocumented and singer-io's whole seconds are the
        # proven format: ask for a second more on each side, keep [start, end).
        request = {
            "fromDatetime": utc_z(window.start.replace(microsecond=0) - SECOND, "seconds"),
            "toDatetime": utc_z(window.end.replace(microsecond=0) + SECOND, "seconds"),
        }
        found = []
        for record in self.request_records(request):
            try:
                at = parse_api_instant(str(record["activityTimestamp"]))
            except (KeyError, ValueError) as error:
                raise self.malformed_record(record, error) from None
            if window.start <= at < window.end:
                record["activityTimestamp"] = at  # post_process writes it out once
                found.append(record)
        found.sort(key=lambda r: (r["activityTimestamp"], str(r.get("id"))))
        return found


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
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {self.child_key: record["id"]}


class MembersStream(ReferenceStream):
    """The members of each record of a parent stream, with the parent's id added."""

    state_partitioning_keys: ClassVar[list[str]] = []  # one state for all, none per parent

    @override
    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        key = cast("type[ParentStream]", self.parent_stream_type).child_key
        return super().post_process({**row, key: (context or {})[key]}, context)


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
    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        # The API identifies an endpoint by its address or number (GET .../{id}).
        endpoint_id = row.get("address") or row.get("number")
        return super().post_process({**row, "id": endpoint_id}, context)
