"""Composition root: settings, wiring, aiohttp server, CLI, clock and delivery worker."""
