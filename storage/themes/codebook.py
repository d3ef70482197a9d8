"""Codebooks: loading with a typed schema and line-numbered errors, and mapping themes onto them.

A codebook is YAML (see ``prompts/codebooks/workplace.yaml``)::

    name: Public-sector workplace
    themes:
      - code: workload          # stable id used in reports and trends; "other" is reserved
        name: Workload & staffing
        keywords: [workload, understaffed, short staffed]
        description: optional free text

Every problem is reported as ``FILE:LINE: message`` with the line of the offending YAML node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from storage.themes.model import OTHER_CODE, Codebook, CodebookTheme
from storage.themes.text import analyze, words

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class CodebookError(ValueError):
    """A codebook that cannot be used. ``problems`` holds one ``FILE:LINE: message`` each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _ThemeSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: NonEmpty
    name: NonEmpty
    keywords: Annotated[list[NonEmpty], Field(min_length=1)]
    description: str | None = None


class _CodebookSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NonEmpty
    themes: Annotated[list[_ThemeSchema], Field(min_length=1)]


def _line_of(node: Any, loc: Sequence[int | str]) -> int:
    """1-based line of the YAML node at ``loc`` (or of its deepest existing ancestor)."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if found is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _message(error: Any) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"'{error['loc'][-1]}' is missing" + (f" in {_where(error['loc'][:-1])}" or "")
    if kind == "extra_forbidden":
        return f"unknown field '{error['loc'][-1]}'" + (
            f" in {_where(error['loc'][:-1])}" if len(error["loc"]) > 1 else ""
        )
    return f"{loc}: {error['msg']}"


def _where(loc: Sequence[int | str]) -> str:
    if len(loc) >= 2 and loc[0] == "themes" and isinstance(loc[1], int):
        return f"theme #{loc[1] + 1}"
    return ".".join(str(p) for p in loc) or "the codebook"


def load_codebook(path: Path | str) -> Codebook:
    """Load and validate a YAML codebook; raise :class:`CodebookError` (a ValueError) listing
    every problem as ``FILE:LINE: message``."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError([f"{path}:1: cannot read codebook: {exc}"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise CodebookError([f"{path}:{line}: not valid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise CodebookError([f"{path}:1: not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise CodebookError(
            [f"{path}:{_line_of(node, ())}: a codebook must be a mapping with 'name' and 'themes'"]
        )
    try:
        parsed = _CodebookSchema.model_validate(data)
    except ValidationError as exc:
        raise CodebookError(
            [f"{path}:{_line_of(node, e['loc'])}: {_message(e)}" for e in exc.errors()]
        ) from None
    problems: list[str] = []
    seen: dict[str, int] = {}
    themes: list[CodebookTheme] = []
    for i, raw in enumerate(parsed.themes):
        line = _line_of(node, ("themes", i, "code"))
        if raw.code == OTHER_CODE:
            problems.append(f"{path}:{line}: the code '{OTHER_CODE}' is reserved")
        elif raw.code in seen:
            problems.append(
                f"{path}:{line}: duplicate code '{raw.code}' (first on line {seen[raw.code]})"
            )
        seen.setdefault(raw.code, line)
        keywords = tuple(" ".join(k.lower().split()) for k in raw.keywords)
        themes.append(CodebookTheme(code=raw.code, name=raw.name, keywords=keywords))
    if problems:
        raise CodebookError(problems)
    return Codebook(name=parsed.name, themes=tuple(themes))


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
