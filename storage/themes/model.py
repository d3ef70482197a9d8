"""The neutral types of theming: small frozen dataclasses, no behaviour beyond lookups."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

OTHER_CODE = "other"
OTHER_LABEL = "Other"

Sentiment = Literal["positive", "neutral", "negative"]
SENTIMENTS: tuple[Sentiment, Sentiment, Sentiment] = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Theme:
    """One theme of a set of comments.

    * ``id``: position in :attr:`ThemeResult.themes` (sub-themes: position among their siblings).
    * ``label``: a short human phrase: the codebook theme's name when the theme maps onto it with
      confidence (``coded`` is then True), otherwise a key phrase taken from the comments.
    * ``code``: stable identity for trends and reports: the codebook code, ``"other"``, or a slug
      of the label for a theme the codebook does not cover. :func:`storage.themes.align` carries
      codes and labels over from the previous round of a series.
    * ``key_phrases``: up to five distinct phrases from the comments, the best first.
    * ``members``: indexes of the input comments, ascending.
    * ``representatives``: the same indexes ordered by closeness to the theme's own centre (the
      most typical comment first): quotes come from the front of this list.
    * ``sentiment``: (positive, neutral, negative) counts over the members.
    * ``subthemes``: finer themes inside this one (members are indexes of the input, too).
    * ``profile``: the theme's most weighted (term, weight) pairs, used to recognise the same
      topic in another round.
    """

    id: int
    label: str
    key_phrases: tuple[str, ...]
    code: str
    members: tuple[int, ...]
    sentiment: tuple[int, int, int]
    representatives: tuple[int, ...] = ()
    subthemes: tuple[Theme, ...] = ()
    coded: bool = False
    profile: tuple[tuple[str, float], ...] = ()

    @property
    def is_other(self) -> bool:
        return self.code == OTHER_CODE


@dataclass(frozen=True)
class ThemeResult:
    """All themes of one run, the theme id of every input comment, and its sentiment label.

    ``assignments[i]`` is the id of the top-level theme that comment ``i`` belongs to;
    ``sentiments[i]`` is ``"positive"``, ``"neutral"`` or ``"negative"``. The "other" theme
    (comments with nothing to group them by), if any, is last. ``engine`` names the engine.
    """

    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]
    sentiments: tuple[Sentiment, ...] = ()
    engine: str = ""

    def theme_of(self, index: int) -> Theme:
        return self.themes[self.assignments[index]]


@dataclass(frozen=True)
class CodebookTheme:
    """A theme of an organisation's codebook: stable code, display name (English: what themes
    are labelled with), keywords; `names`: (locale, name) in every language it has, so each
    reader can see it in their own."""

    code: str
    name: str
    keywords: tuple[str, ...]
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A named set of codebook themes (see ``prompts/codebooks/*.yaml``)."""

    name: str
    themes: tuple[CodebookTheme, ...]


class Themer(Protocol):
    """Anything that groups comments into themes."""

    def theme(
        self, texts: Sequence[str], codebook: Codebook | None = None, *,
        min_theme_size: int | None = None, groups: Sequence[Hashable] | None = None,
    ) -> ThemeResult:
        """Themes of ``texts``; themes smaller than ``min_theme_size`` are folded into others.
        ``groups[i]`` says who wrote comment ``i`` (a submission): a label is never a phrase
        only one of them wrote."""
        ...
