"""Words people type that mean the same whatever flow they are in."""

from __future__ import annotations

import shlex

# continue a paused survey, or start the one that is open
RESUME_WORDS = frozenset({"start", "resume", "continue", "empezar", "continuar", "seguir"})

# the commands answered anywhere, even outside the person's 1:1 chat, with their Spanish forms
# (conversations.router; prompts may add more aliases through the registry)
ANSWERED_ANYWHERE = {"help": "help", "ayuda": "help", "privacy": "privacy",
                     "privacidad": "privacy"}


def split_args(args: str) -> list[str]:
    """Command arguments split like a shell would ("quoted words" kept together); plain
    whitespace splitting when the quotes do not close."""
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()
