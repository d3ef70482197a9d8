"""A programme's definition (prompts/mentorship/NAME.yaml): its check-in cadence, milestones
and topics. When check-ins and milestones fall is computed in conversations.schedule."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from prompts.loader import Schedule


def load_definition(name: str = "default") -> dict[str, Any]:
    """A programme definition from prompts/mentorship/NAME.yaml (milestones, cadence, topics)."""
    ref = resources.files("prompts").joinpath("mentorship", f"{name}.yaml")
    data = yaml.safe_load(ref.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"prompts/mentorship/{name}.yaml: must be a mapping")
    for key in ("cadence", "milestones", "topics"):
        if key not in data:
            raise ValueError(f"prompts/mentorship/{name}.yaml: {key} is missing")
    return data


def cadence_of(definition: Mapping[str, Any]) -> Schedule:
    """How often both sides of a pair are asked to check in, and when."""
    raw = dict(definition.get("cadence") or {})
    return Schedule(
        every_days=int(raw.get("every_days", 14)),
        weekdays=tuple(raw.get("weekdays", ("mon", "tue", "wed", "thu", "fri"))),
        send_window=str(raw.get("send_window", "09:00-17:00")),
        response_days=int(raw.get("response_days", 7)),
    )


def topics_of(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Topic value -> its labels per locale."""
    return {str(t["value"]): t.get("label", {}) for t in definition.get("topics", [])}
