"""The console adapter: a terminal chat for trying every flow, scriptable through stdin."""

from adapters.console.adapter import ConsoleAdapter, ConsoleHooks

__all__ = ["ConsoleAdapter", "ConsoleHooks"]
