"""SQLAlchemy models. The schema itself is created by the Alembic migrations in migrations/.

Anonymity is a property of this schema (DESIGN.md, "Anonymity model"):
- `responses` has no person id, no platform id and no exact timestamp: round, occurrence,
  question, answer, the segments the person agreed to share, the ISO week of the occurrence,
  and a random submission id grouping one submission's answers (as an anonymous survey export
  has one row per submission).
  Its key is a random UUID, and on SQLite it is a WITHOUT ROWID table, so neither the key nor the
  physical order follows insertion order.
- `participation` (who was invited and reminded) is created at invitation time, in roster
  order: it cannot be lined up with `responses`. Who finished is never recorded per person:
  while the round is open it is a keyed-hash mark (`private_marks`, deleted at close), and the
  round keeps a count (`rounds.counted`). (`completed` is kept for rounds closed before, and
  cleared by migration 0009.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SEGMENTS: tuple[str, ...] = ("branch", "classification", "employment")
"""The reporting segments a respondent may choose to share with their answers."""


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite has no time zone type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class Person(Base):
    """Someone on the roster."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_timezone", "timezone"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    roles: Mapped[str] = mapped_column(String(200), default="staff")  # ";"-separated
    branch: Mapped[str] = mapped_column(String(100), default="")
    classification: Mapped[str] = mapped_column(String(100), default="")
    employment: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# directory sync looks people up by email, case-insensitively, a page of accounts at a time
Index("ix_people_email_lower", func.lower(Person.email))


class Identity(Base):
    """A person's account on a chat platform, and the adapter's opaque route for proactive sends."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str] = mapped_column(String(500), default="")
    reference: Mapped[str] = mapped_column(Text, default="")


class Round(Base):
    """A pulse round: a question set, an audience and a schedule."""

    __tablename__ = "rounds"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    template: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[dict[str, Any]] = mapped_column(JSON)
    # draft / scheduled (opens at `starts_at`) / open / paused / closed; "ongoing" for the
    # learning reflections' rounds
    status: Mapped[str] = mapped_column(String(12), default="draft")
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    k_responses: Mapped[int] = mapped_column(Integer)
    k_comments: Mapped[int] = mapped_column(Integer)
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    series: Mapped[str] = mapped_column(String(64), default="")
    results_while_open: Mapped[bool] = mapped_column(Boolean, default=False)
    purged_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # finishes counted so far: in release batches of at least k while the round is open, all
    # of them once it has closed (never per person)
    counted: Mapped[int] = mapped_column(Integer, default=0)
    # when a scheduled round opens by itself, and the last day answers are accepted when an
    # admin gave one (a recurring round closes after it); None: no such date
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # chairs who asked for results while the round was open: told when it closes
    waiting: Mapped[list[Any]] = mapped_column(JSON, default=list)


class RoundQuestion(Base):
    """A snapshot of a round's questions, so editing the YAML never changes an open round."""

    __tablename__ = "round_questions"
    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class Participation(Base):
    """Who was invited to which occurrence, reminders sent. Never linked to answers; who
    finished is not recorded here (`completed` stays False; see the module docstring)."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("round_id", "occurrence", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    occurrence: Mapped[str] = mapped_column(String(10))  # local start date of the occurrence
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    invited_on: Mapped[date] = mapped_column(Date)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


class Response(Base):
    """One answer. No person, no platform id, no timestamp (see the module docstring)."""

    __tablename__ = "responses"
    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random uuid4
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[str] = mapped_column(String(10))
    question_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(100), default="")  # rating/choice value
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # scrubbed free text
    segments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    week: Mapped[str] = mapped_column(String(8))  # ISO week of the occurrence; "" for reflections
    theme: Mapped[str | None] = mapped_column(String(200), nullable=True)  # kept after purge
    # the codebook theme's code when `theme` is a codebook theme's (English) name, so each
    # reader sees it in their own language after the text is purged
    theme_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # a random id shared by the answers of one submission (not of one person over time), so
    # themes can count distinct respondents exactly; None for learning reflections
    submission: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # the release batch (1, 2, ... per round) that brought this answer into the results; views
    # shown to chairs are recorded by batch (ShownView), so a view can be repeated exactly
    batch: Mapped[int] = mapped_column(Integer, default=1)


class ConversationState(Base):
    """Where a person is in a flow. Draft answers are scrubbed and deleted on submit."""

    __tablename__ = "conversation_state"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """A proactive message to deliver; `key` makes planning idempotent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")


class ShownView(Base):
    """A view a chair has been shown: one item (a question id, or "*" for the round's
    submissions) of one slice of a round, as of a release batch. Every new view is checked
    against these, so no two views a chair can obtain differ by 1..k-1 people (differencing)."""

    __tablename__ = "shown_views"
    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(String(20), primary_key=True)  # "" = the whole round
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    item: Mapped[str] = mapped_column(String(80), primary_key=True)
    batch: Mapped[int] = mapped_column(Integer, primary_key=True)


class PrivateMark(Base):
    """Something Outward must remember about a person that must not be tied to an answer: that
    they finished a survey whose answers are still held, or reflected on a learning step. The
    key is a keyed hash (HMAC-SHA256 with OUTWARD_SECRET) of the person and the thing, so a
    database reader cannot tell whose mark it is; only the running app, which holds the
    secret, can ask "has this person finished?"."""

    __tablename__ = "private_marks"
    __table_args__ = {"sqlite_with_rowid": False}
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "done" | "reflected"


class HeldSubmission(Base):
    """A finished submission waiting to be released into `responses`.

    It holds no person id. Submissions are released in shuffled batches of at least k (or when
    the round closes), in a transaction of their own, so neither row order, transaction ids
    (PostgreSQL `xmin`) nor the moment results change can single out one respondent."""

    __tablename__ = "held_submissions"
    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random uuid4
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[str] = mapped_column(String(10))
    # [[question id, value, text], ...], or {"sealed": ...}: answers and segments sealed by the
    # core with OUTWARD_SECRET (conversations.keyed), so that a database reader watching a
    # person finish cannot read what they answered (rows before this was done: plain)
    answers: Mapped[Any] = mapped_column(JSON)
    segments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    week: Mapped[str] = mapped_column(String(8))
    counted: Mapped[bool] = mapped_column(Boolean, default=True)  # False: reflections
    # reflections only: a keyed hash of the author (not of the person alone: of the person and
    # the round), so a batch is released only when k different people are in it
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)


# a held submission's answers and segments, once opened: ([[question id, value, text], ...],
# {segment: value})
Opened = tuple[list[Any], dict[str, Any]]


@dataclass(frozen=True)
class Claimed:
    """An outbox row claimed for delivery (a plain value, not a mapped row)."""

    id: int
    key: str
    person_id: int
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    lease_until: datetime | None = None  # this worker's lease: its claim token


@dataclass(frozen=True)
class Outcome:
    """What became of a claimed outbox row, written back in batches (`Outbox.settle`).

    `status` "sent"; "pending": put back until `due_at` (`refund` gives the attempt back: a
    rate-limit wait is not a failure); "failed" with `error`. `row.lease_until` is the lease the
    worker held, so a row another worker has claimed since is not put back or failed."""

    row: Claimed
    status: str
    error: str = ""
    due_at: datetime | None = None
    refund: bool = False


@dataclass(frozen=True)
class Planned:
    """An outbox row for `Outbox.enqueue_many` to insert unless its key exists (a plain value)."""

    key: str
    person_id: int
    kind: str
    payload: Mapping[str, Any]
    due_at: datetime
