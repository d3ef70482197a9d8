"""Whether a signed Slack payload has the shape Slack sends, checked before slack_bolt reads it
(`malformed`): bolt indexes into payloads without checking types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# What slack_bolt dereferences before any listener runs (slack_bolt/request/payload_utils.py and
# internals.py, e.g. `"type" in body["event"]`, `body["view"]["type"]`, `body["actions"][0]`):
# an entity is an id or an object, a container is an object, a list holds objects.
_ENTITIES = ("user", "team", "enterprise", "channel")
_OBJECTS = ("event", "view", "container", "message", "previous_message", "item",
            "assistant_thread", "function_data", "workflow_step")
_LISTS = ("actions", "authorizations", "response_urls")


def _shape(obj: Mapping[str, Any], where: str, depth: int = 0) -> str:
    for key in _ENTITIES:
        value = obj.get(key)
        if value is not None and not isinstance(value, str | Mapping):
            return f"{where}{key} is neither an id nor an object"
    for key in _LISTS:
        value = obj.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, Mapping) for v in value)):
            return f"{where}{key} is not a list of objects"
    for key in _OBJECTS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            return f"{where}{key} is not an object"
        if depth < 2:
            problem = _shape(value, f"{where}{key}.", depth + 1)
            if problem:
                return problem
    return ""


def _bad_id(value: Any, where: str = "", depth: int = 0) -> str:
    """The first id (`user`, `team`, `channel`, `enterprise`, `id` or `..._id`) holding a
    character Slack never puts in one (a control character: a NUL is an error to PostgreSQL),
    '' when there is none."""
    if depth > 4:
        return ""
    items = value.items() if isinstance(value, Mapping) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            if isinstance(key, str) and (key in _ENTITIES or key == "id" or key.endswith("_id")) \
                    and not item.isprintable():
                return f"{where}{key} holds a control character"
        elif isinstance(item, Mapping | list):
            problem = _bad_id(item, f"{where}{key}.", depth + 1)
            if problem:
                return problem
    return ""


def malformed(body: Mapping[str, Any]) -> str:
    """Why a signed payload is not one Slack sends ('' when it is fine), for a 400 before
    slack_bolt reads it: bolt indexes into the payload without checking types, so `"event":
    null` or a null `view.state.values` would otherwise end in a 500 with a traceback."""
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "type is not a string"
    if "command" in body and not isinstance(body["command"], str):
        return "command is not a string"
    problem = _shape(body, "") or _bad_id(body)
    if problem:
        return problem
    event = body.get("event")
    if kind == "event_callback" and not (isinstance(event, Mapping)
                                         and isinstance(event.get("type"), str)):
        return "event_callback without an event object and type"
    if kind in ("block_actions", "interactive_message") and "actions" in body \
            and not body["actions"]:
        return f"{kind} with no actions"
    if kind == "block_actions" and not all(isinstance(a.get("action_id"), str)
                                           for a in body.get("actions") or []):
        return "block_actions with an action_id that is not a string"  # bolt matches a regex
    view = body.get("view")
    if kind in ("view_submission", "view_closed") and (
            not isinstance(view, Mapping) or not isinstance(view.get("type"), str)):
        return f"{kind} without a view object and type"
    if isinstance(view, Mapping) and "state" in view:  # (a legacy dialog's `state` is text)
        state = view["state"]
        if not isinstance(state, Mapping) or ("values" in state
                                              and not isinstance(state["values"], Mapping)):
            return "view.state.values is not an object"
    return ""
