"""The platform-neutral core: neutral events and messages, the router and its registry, the
ports it uses (storage as a unit of work), and one package per feature (pulse, learning,
mentorship) plus results (thresholds, release, summaries).

Never imports an SDK, aiohttp, SQLAlchemy, `adapters` or `bot` (checked by import-linter)."""
