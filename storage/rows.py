"""Plain read-only copies of stored rows, for code that reads many of them many times (a
round's results read every response's attributes millions of times; an ORM row's attributes
are several times slower to read and its loading is most of the cost of reading a round)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """One stored answer (storage.models.Response) as results read it: no person, no time."""

    id: str
    question_id: str
    occurrence: str
    value: str
    text: str | None
    theme: str | None
    segments: Mapping[str, Any]
    submission: str | None
    batch: int
    theme_code: str | None = None  # the codebook theme `theme` names, if it is one
