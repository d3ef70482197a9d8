"""Tables the Slack adapter uses besides the core schema (created by migration 0002).

- `slack_installations`, `slack_bots`, `slack_oauth_states`: the exact schema of slack_sdk's
  SQLAlchemy installation and OAuth state stores (multi-workspace installs), created by our own
  migration instead of the stores' `create_tables()`, so Alembic owns every table.
- `slack_seen_events`: the Events API `event_id`s already handled, so a retried delivery
  (`X-Slack-Retry-Num`) is handled once even when several web processes share the database.

Defined with SQLAlchemy Core only (storage never imports an SDK)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"

metadata = MetaData()

seen_events = Table(
    "slack_seen_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    # naive UTC; rows older than a day are pruned (Slack retries within minutes)
    Column("seen_at", DateTime(), nullable=False, index=True),
)
