"""Load the content the core uses: round templates, learning tracks, interface texts.

The types live in `prompts.model`, the file schema in `prompts.schema`, whole-folder loading
(bundled plus OUTWARD_CONTENT_DIR) in `prompts.content` and the interface texts in
`prompts.catalog`; this module keeps the names the core has always imported from here. Every
problem in a file is reported as ``FILE:LINE: message``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from prompts.catalog import Catalog, load_catalog
from prompts.content import load_content, parse, read_content_file
from prompts.model import (
    LOCALES,
    WEEKDAYS,
    Choice,
    CodebookEntry,
    CodebookSpec,
    Question,
    QuestionKind,
    RoundTemplate,
    Schedule,
    Track,
    TrackStep,
    parse_window,
)
from prompts.problems import ContentError, Problem

__all__ = [
    "LOCALES", "WEEKDAYS", "Catalog", "Choice", "CodebookEntry", "CodebookSpec", "ContentError",
    "Problem", "Question", "QuestionKind", "RoundTemplate", "Schedule", "Track", "TrackStep",
    "builtin_round_templates", "builtin_tracks", "load_catalog", "load_round_template",
    "load_track", "parse_window", "sample_roster_csv",
]


def _one(kind: str, path: Path | str, text: str | None) -> object:
    source = str(path)
    if text is None:
        text, problem = read_content_file(Path(path))
        if text is None:
            raise ContentError([problem] if problem else [])
    item, problems = parse(kind, source, text)
    if item is None:
        raise ContentError(problems)
    return item.value


def load_round_template(path: Path | str, text: str | None = None) -> RoundTemplate:
    """Parse one round file (question set + audience + schedule); raises ContentError."""
    value = _one("round", path, text)
    assert isinstance(value, RoundTemplate)
    return value


def load_track(path: Path | str, text: str | None = None) -> Track:
    """Parse and validate one track file; raises ContentError."""
    value = _one("track", path, text)
    assert isinstance(value, Track)
    return value


def builtin_round_templates() -> dict[str, RoundTemplate]:
    """The round definitions shipped in prompts/rounds/*.yaml, by id."""
    return dict(load_content().rounds)


def builtin_tracks() -> dict[str, Track]:
    """The learning tracks shipped in prompts/tracks/*.yaml, by id."""
    return dict(load_content().tracks)


def sample_roster_csv() -> str:
    """The bundled fictional organisation (CSV text) loaded by `--sample`."""
    return resources.files("prompts").joinpath("sample/organisation.csv").read_text("utf-8")
