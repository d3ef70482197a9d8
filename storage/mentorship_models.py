"""Mentorship programme tables (programmes, cohorts, members, pairs, check-ins); queried by
storage.repositories.mentorship.

Check-in answers are about a pair, not anonymous survey data: they keep the pair and the person,
because the pair's liaison must know who asked for help. Programme-wide aggregates built from
them are shown only above the anonymity threshold (see conversations.mentorship.stats)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class MentorProgramme(Base):
    """A mentorship programme: its definition (milestones, cadence, questions) and its lead."""

    __tablename__ = "mentor_programmes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MentorCohort(Base):
    """A cohort of a programme with a start date and a length in weeks."""

    __tablename__ = "mentor_cohorts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("mentor_programmes.id", ondelete="CASCADE"), index=True
    )
    start_on: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open/active/closed


class MentorMember(Base):
    """A person in a cohort as mentee, mentor or liaison, with goals and availability."""

    __tablename__ = "mentor_members"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("mentor_cohorts.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))  # mentee/mentor/liaison
    goals: Mapped[str] = mapped_column(Text, default="")
    availability: Mapped[str] = mapped_column(String(200), default="")
    manager: Mapped[str] = mapped_column(String(64), default="")  # reporting line (a handle)
    priority: Mapped[str] = mapped_column(String(200), default="")  # ";"-separated tags
    prefers: Mapped[str] = mapped_column(String(200), default="")  # ";"-separated handles
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    left: Mapped[bool] = mapped_column(Boolean, default=False)


class MentorPair(Base):
    """A mentee and a mentor in a cohort, supported by a liaison."""

    __tablename__ = "mentor_pairs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("mentor_cohorts.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    liaison_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed/active/ended
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class MentorCheckin(Base):
    """One side's check-in for one occurrence of the cadence."""

    __tablename__ = "mentor_checkins"
    __table_args__ = (UniqueConstraint("pair_id", "person_id", "occurrence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_pairs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    occurrence: Mapped[str] = mapped_column(String(10))  # local start date
    closes_on: Mapped[date] = mapped_column(Date)
    met: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    usefulness: Mapped[int | None] = mapped_column(Integer, nullable=True)
    topic: Mapped[str] = mapped_column(String(64), default="")
    help: Mapped[str] = mapped_column(String(12), default="")  # ""/none/contact
    note: Mapped[str] = mapped_column(Text, default="")  # scrubbed, for the liaison only
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MentorShownStats(Base):
    """Cohort statistics a programme lead has been shown: the answered check-ins they were
    computed from. New statistics are shown only when they differ from every earlier view by
    no one or by at least k people, so comparing two views never isolates one person."""

    __tablename__ = "mentor_shown_stats"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("mentor_cohorts.id", ondelete="CASCADE"), index=True
    )
    shown_on: Mapped[date] = mapped_column(Date)
    checkins: Mapped[list[Any]] = mapped_column(JSON, default=list)
