"""Command names in other languages, for the router: an alias runs the English command.

The Spanish help (prompts/i18n/es.yaml, `help.*`) lists these names; the English ones keep
working in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

COMMAND_ALIASES: Mapping[str, str] = MappingProxyType({
    "ayuda": "help",
    "privacidad": "privacy",
    "resultados": "results",
    "encuesta": "pulse",
    "temas": "themes",
    "aprender": "learn",
    "mentoria": "mentor",
    "mentoría": "mentor",
})


def canonical_command(name: str) -> str:
    """The English command for `name` ("/Ayuda" -> "help"); unknown names come back lowered."""
    bare = name.strip().lstrip("/").lower()
    return COMMAND_ALIASES.get(bare, bare)
