"""Helpers the SQL repositories share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT on this session's engine (PostgreSQL or SQLite)."""
    name = session.get_bind().dialect.name
    return pg_insert(table) if name == "postgresql" else sqlite_insert(table)
