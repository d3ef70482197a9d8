"""Alembic environment: always driven from storage.migrate with a live connection."""

from alembic import context

import storage.learning_models  # noqa: F401  (registers its tables on Base.metadata)
import storage.loop_models  # noqa: F401
import storage.mentorship_models  # noqa: F401
import storage.ops_models  # noqa: F401
from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running `alembic` by hand
    raise SystemExit("Run migrations with `python -m bot db upgrade`.")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
