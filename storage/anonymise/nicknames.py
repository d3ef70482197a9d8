"""Nicknames of given names: Tom for Thomas, Bill for William, Beto for Roberto, Lupe for Guadalupe.

English: the ``nicknames`` package (Carlton Northern and Nick Crews, Apache-2.0), a hand-curated
list of English given names and their nicknames, read both ways: the nicknames of a formal name
("thomas" -> "tom", "tommy") and the formal names of a nickname ("bill" -> "william").

Spanish: ``data/es_diminutives.csv`` in this package (written for Outward from common usage,
Apache-2.0 like the project), read both ways too.

The tables are read once per process, on first use.

:func:`given_names` adds to the names in these tables the US first names of
``data/given_names.csv``: the Social Security Administration's baby-name counts (public domain),
without the names that are more often English or Spanish words ("Story", "King", "Cielo");
``tools/build_given_names.py`` writes it and ``data/PROVENANCE.md`` says how.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources

from storage.anonymise.normalise import fold

__all__ = ["births", "given_names", "lower_case_names", "variants"]


@functools.cache
def _table() -> dict[str, frozenset[str]]:
    """Every name -> the other names it is a nickname or formal form of (both directions)."""
    pairs: list[tuple[str, str]] = []
    from nicknames import name_triplets

    pairs.extend((fold(t.name1), fold(t.name2)) for t in name_triplets())
    ref = resources.files("storage.anonymise").joinpath("data/es_diminutives.csv")
    with ref.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        pairs.extend((fold(r["name"].strip()), fold(r["diminutive"].strip())) for r in rows)
    linked: defaultdict[str, set[str]] = defaultdict(set)
    for name, nick in pairs:
        if name and nick and name != nick:
            linked[name].add(nick)
            linked[nick].add(name)
    return {name: frozenset(others) for name, others in linked.items()}


def variants(names: Iterable[str]) -> set[str]:
    """The nicknames and formal forms of ``names`` (folded), without ``names`` themselves."""
    table = _table()
    given = {fold(n) for n in names}
    out: set[str] = set()
    for name in given:
        out.update(table.get(name, ()))
    return out - given


@functools.cache
def given_names() -> frozenset[str]:
    """Every given name or nickname the tables know, and the US first names of
    data/given_names.csv (folded): a lexicon of first names."""
    return frozenset(n for n in _table() if " " not in n) | frozenset(_us_births())


@functools.cache
def lower_case_names() -> frozenset[str]:
    """The given names a rule may take for a name in lower case with no other evidence ("we
    all know anjali does the work"): the tables' names and the US names given to at least
    LOWER_CASE_BIRTHS babies. A rare spelling ("Evah", 336 births) is also a typo or a word
    read backwards ("evah ew"), so only context or a capital makes it a name."""
    common = {n for n, births in _us_births().items() if births >= LOWER_CASE_BIRTHS}
    return frozenset(n for n in _table() if " " not in n) | frozenset(common)


LOWER_CASE_BIRTHS = 2000


def births(key: str) -> int:
    """US births with the folded first name ``key`` in data/given_names.csv (0 if none):
    how surely a capitalised word that is also a word names a person ("Harper", 75,181)."""
    return _us_births().get(key, 0)


@functools.cache
def _us_births() -> dict[str, int]:
    ref = resources.files("storage.anonymise").joinpath("data/given_names.csv")
    with ref.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {key: int(r["births"]) for r in rows if (key := fold(r["name"].strip()))}
