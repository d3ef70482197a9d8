"""Codebooks: loading (through the content schema of prompts/, the one place codebooks are
validated) and mapping themes onto them.

A codebook is YAML (see ``prompts/codebooks/workplace.yaml``; schema: ``prompts.schema``)::

    name: Public-sector workplace
    themes:
      - code: workload          # stable id used in reports and trends; "other" is reserved
        name: Workload & staffing
        keywords: [workload, understaffed, short staffed]
        description: optional free text

Every problem is reported as ``FILE:LINE: message`` (:class:`prompts.problems.Problem`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prompts.content import read_codebook
from prompts.problems import ContentError
from storage.themes.model import Codebook, CodebookTheme
from storage.themes.text import analyze, words

# A codebook that cannot be used: the content error every content file raises, whose
# ``problems`` are ``FILE:LINE: message`` each.
CodebookError = ContentError


def load_codebook(path: Path | str) -> Codebook:
    """Load and validate a YAML codebook with the content schema (prompts.schema); raise
    :class:`CodebookError` (a ContentError, a ValueError) listing every problem as
    ``FILE:LINE: message``."""
    spec = read_codebook(path)
    return Codebook(name=spec.name, themes=tuple(
        CodebookTheme(code=t.code, name=t.name, keywords=t.keywords, names=t.names)
        for t in spec.themes))


# --------------------------------------------------------------------------------------------
# Mapping themes onto a codebook


def stem_line(text: str) -> str:
    """Stems of the comment's topical words between spaces, for keyword containment tests."""
    return " " + " ".join(analyze(text)) + " "


def _keyword_line(keyword: str) -> str:
    stems = analyze(keyword) or words(keyword)
    return " " + " ".join(stems) + " "


def keyword_documents(codebook: Codebook) -> list[str]:
    """One pseudo-comment per codebook theme (its keywords), so that corpus statistics know
    which words the organisation files together."""
    return [" ".join(t.keywords) for t in codebook.themes]


def map_onto(
    lines: Sequence[str] | Any,
    groups: Sequence[Sequence[int]],
    codebook: Codebook,
    min_score: float,
) -> list[tuple[str | None, float]]:
    """(code, share) per group of comments: the codebook theme whose keywords the group's
    comments mention most (share of comments with a keyword, then how many distinct keywords
    they use), when that share reaches ``min_score`` and the theme is strictly ahead of the
    runner-up; (None, best share) otherwise. ``lines`` are :func:`stem_line` of every comment."""
    keyword_lines = [[_keyword_line(kw) for kw in cb.keywords] for cb in codebook.themes]
    out: list[tuple[str | None, float]] = []
    for members in groups:
        step = max(1, math.ceil(len(members) / 400))
        sample = [lines[i] for i in list(members)[::step]]
        ranked: list[tuple[float, float, int]] = []
        for j, kws in enumerate(keyword_lines):
            counts = [sum(1 for kw in kws if kw in line) for line in sample]
            share = sum(1 for c in counts if c) / max(len(sample), 1)
            depth = sum(min(c, 3) for c in counts) / max(len(sample), 1)
            ranked.append((share + 0.1 * depth, share, j))
        ranked.sort(key=lambda r: (-r[0], r[2]))
        if not ranked:
            out.append((None, 0.0))
            continue
        score, share, j = ranked[0]
        ahead = len(ranked) == 1 or score > ranked[1][0] + 1e-9
        out.append((codebook.themes[j].code if share >= min_score and ahead else None, share))
    return out
