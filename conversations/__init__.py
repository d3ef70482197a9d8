"""The platform-neutral core: neutral events and messages, flows, router, policies.

Never imports an SDK, aiohttp, `adapters` or `bot` (checked by import-linter)."""
