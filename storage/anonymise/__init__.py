"""Anonymisation of free-text answers: :class:`Scrubber` replaces personal data with placeholders.

``Scrubber(roster_names).scrub(text)`` is the whole interface; :class:`NameRecogniser` is the
loaded NER pipeline a composition root builds once and passes to every scrubber. This package
never touches the database (import-linter keeps it apart from the SQL side of storage).
"""

from storage.anonymise.ner import NameRecogniser, parse_models
from storage.anonymise.patterns import CHANNEL, EMAIL, MENTION, NAME, NUMBER, PHONE, URL
from storage.anonymise.scrubber import Scrubber

__all__ = [
    "CHANNEL",
    "EMAIL",
    "MENTION",
    "NAME",
    "NUMBER",
    "PHONE",
    "URL",
    "NameRecogniser",
    "Scrubber",
    "parse_models",
]
