"""Learning-track enrolments (one row per person and track); queried by
storage.repositories.enrolments."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class Enrolment(Base):
    """A person's place in a track. `sent` and `done` hold step ids (not positions), so a
    track edited mid-way (steps added, removed, reordered) never repeats a step."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("person_id", "track_id"),
        # the learning planner's "due today" query
        Index("ix_enrolments_due", "status", "track_id", "last_sent_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="active")  # active/stopped/finished
    enrolled_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(12), default="self")  # self / admin
    sent: Mapped[list[Any]] = mapped_column(JSON, default=list)
    done: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skipped: Mapped[list[Any]] = mapped_column(JSON, default=list)
    last_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    snoozed_until: Mapped[date | None] = mapped_column(Date, nullable=True)
