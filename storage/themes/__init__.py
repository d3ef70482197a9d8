"""Theming and sentiment of scrubbed free-text comments, for committee chairs.

Public API (everything a caller needs; the submodules are implementation):

* ``make_themer(engine="", model_path="")`` -> a :class:`Themer`: ``TfidfThemer`` (default;
  scikit-learn, no model files) or ``SemanticThemer`` (sentence embeddings; used
  automatically once ``pip install 'outward[semantic]'`` installed it).
  ``semantic_available()`` tells which.
* ``themer.theme(texts, codebook=None)`` -> :class:`ThemeResult`: 3-12 named top-level themes
  (fewer for small sets), each with ``subthemes``, ``representatives`` (members closest to the
  theme's centre first), ``sentiment`` counts, a stable ``code``; ``assignments`` and
  ``sentiments`` aligned with ``texts``; comments with nothing to group by in a last "other"
  theme (``code == "other"``).
* ``quotes(texts, theme, n=2, seed=None, groups=None)``: up to n representative comments, each
  from a different group (submission).
* ``align(new, previous)``: the same topic keeps its label and code across rounds of a series.
* ``sentiments(texts)`` / ``sentiment_scores(texts)``: per-comment labels / polarity.
* ``load_codebook(path)``: a validated :class:`Codebook`; problems raise :class:`CodebookError`
  as ``FILE:LINE: message``.

Typical use (a round summary)::

    result = themer.theme(texts, codebook, min_theme_size=k_comments)
    previous = themer.theme(previous_texts, codebook)       # the last round of the series
    result = align(result, previous)                        # same topic: same label and code
    for theme in result.themes:                             # biggest first, "other" last
        quotes(texts, theme, n=2, seed=round_seed, groups=submission_ids)
        theme.sentiment, theme.subthemes, theme.key_phrases

This package never touches the database (import-linter checks it).
"""

from storage.themes.align import align
from storage.themes.codebook import CodebookError, load_codebook
from storage.themes.engines import (
    ENGINES,
    EmbeddingThemer,
    EngineUnavailable,
    SemanticThemer,
    TfidfThemer,
    make_themer,
    semantic_available,
)
from storage.themes.model import (
    OTHER_CODE,
    OTHER_LABEL,
    SENTIMENTS,
    Codebook,
    CodebookTheme,
    Sentiment,
    Theme,
    Themer,
    ThemeResult,
)
from storage.themes.quotes import quotes
from storage.themes.sentiment import scores as sentiment_scores
from storage.themes.sentiment import sentiments

__all__ = [
    "ENGINES",
    "OTHER_CODE",
    "OTHER_LABEL",
    "SENTIMENTS",
    "Codebook",
    "CodebookError",
    "CodebookTheme",
    "EmbeddingThemer",
    "EngineUnavailable",
    "SemanticThemer",
    "Sentiment",
    "TfidfThemer",
    "Theme",
    "ThemeResult",
    "Themer",
    "align",
    "load_codebook",
    "make_themer",
    "quotes",
    "semantic_available",
    "sentiment_scores",
    "sentiments",
]
