"""Tables for running Outward, not for what people said: process heartbeats (reported by
`GET /healthz`) and revision counters; queried by storage.repositories.heartbeats and
storage.repositories.people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class Heartbeat(Base):
    """The last successful run of one process (`process`: host and pid) in a role (`worker`,
    `clock`). A role whose newest beat is old has stopped."""

    __tablename__ = "heartbeats"
    role: Mapped[str] = mapped_column(String(12), primary_key=True)
    process: Mapped[str] = mapped_column(String(200), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Revision(Base):
    """A counter bumped when something every process caches changes (`roster`: the roster's
    names, which each process's scrubber is built from)."""

    __tablename__ = "revisions"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
