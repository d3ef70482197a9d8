"""Closing the loop: what a committee committed to after a round, and the share-back sent to
everyone who was asked; queried by storage.repositories.commitments and .sharebacks.

Nothing here is about a respondent: a commitment is written by a chair and shown to everyone,
and a share-back holds only headline figures that passed the anonymity thresholds when it was
sent (who received it is the outbox's business; who answered is never looked at)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

STATUSES: tuple[str, ...] = ("planned", "started", "done", "dropped")


class Commitment(Base):
    """One thing a committee said it would do after a round, numbered 1, 2 ... per round."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("round_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="planned")  # see STATUSES
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True)
    created_on: Mapped[date] = mapped_column(Date)
    updated_on: Mapped[date] = mapped_column(Date)
    # the status everyone was last told about ("" = not announced yet): what differs is the
    # next weekly announcement
    announced: Mapped[str] = mapped_column(String(12), default="")


class ShareBack(Base):
    """A round's share-back, sent once: the headline results as they passed the thresholds
    then (`headline`, locale-neutral data), and when everyone was last told about the round's
    commitments (status changes are announced at most once a week)."""

    __tablename__ = "share_backs"
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"),
                                                nullable=True)
    headline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    announcements: Mapped[int] = mapped_column(Integer, default=0)
