"""The scrubber: personal data out of a free-text answer before it is stored.

The anonymity model (DESIGN.md) promises that free text never keeps emails, phone numbers,
URLs, Slack/Teams mentions, long numbers, or people's names. Everything found is replaced by a
typed placeholder: ``[NAME]``, ``[EMAIL]``, ``[PHONE]``, ``[NUMBER]``, ``[URL]``, ``[MENTION]``
or ``[CHANNEL]``.

Steps, each in its own module:

1. normalise.py: format characters out (that text is what is stored), look-alike letters and
   compatibility forms mapped to Latin for matching;
2. patterns.py: chat markup, emails, phones, links and numbers (regular expressions and
   Presidio's pattern recognizers);
3. roster.py: everyone on the roster, with nicknames, possessives, run-together and lower-case
   forms;
4. ner.py + unlisted.py: names nobody listed, from spaCy's NER through Presidio plus rules.

Steps 3 and 4 read a comment typed all in capitals in sentence case (casing.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.anonymise.casing import sentence_case, shouted
from storage.anonymise.ner import NameRecogniser
from storage.anonymise.normalise import prepare
from storage.anonymise.patterns import Span, apply, contact_spans
from storage.anonymise.roster import RosterNames
from storage.anonymise.unlisted import could_hold_name, person_spans

__all__ = ["Scrubber"]


class Scrubber:
    """Replace personal data in free text with typed placeholders.

    ``roster_names`` are the full or display names of everyone on the roster.

    ``recogniser`` finds names that are not on the roster: a :class:`NameRecogniser` (built and
    loaded once, shared by every scrubber), ``None`` for roster and pattern rules only, or a
    model choice string for :meth:`NameRecogniser.shared` (``"default"``, ``"none"``, a
    pipeline name; see :func:`storage.anonymise.ner.parse_models`). The default is the shipped
    English and Spanish pipelines, loaded once per process.

    Build one per roster version; building is cheap (the pipelines are not reloaded) and a
    call to :meth:`scrub` on a comment takes a few milliseconds.
    """

    def __init__(
        self,
        roster_names: Iterable[str] = (),
        *,
        recogniser: NameRecogniser | str | None = "default",
    ) -> None:
        self._roster = RosterNames(roster_names)
        if isinstance(recogniser, str):
            recogniser = NameRecogniser.shared(recogniser)
        self.recogniser = recogniser

    def scrub(self, text: str) -> str:
        """Return ``text`` with personal data replaced by typed placeholders.

        The result has Unicode format characters (zero-width spaces and the like) removed
        even where nothing else was replaced."""
        if not text:
            return text
        clean, view = prepare(text)
        spans: list[Span] = contact_spans(view)
        recogniser = self.recogniser
        if recogniser is not None:
            words = recogniser.dictionary
            if shouted(view):
                # its language read in lower case (in capitals every word looks part of a
                # name, "EL HORARIO"): Spanish words are no unknown words, so no names
                language = recogniser.language(view.lower())
                view = sentence_case(view, words, recogniser.dictionary_for(language)
                                     if language != "en" else None)
            spans.extend(self._roster.spans(view, words))
            if could_hold_name(view, words):
                analysis = recogniser.analyse(view)
                local = (recogniser.dictionary_for(analysis.language)
                         if analysis.language != "en" else None)
                spans.extend(person_spans(view, analysis, words, local))
        elif self._roster:
            spans.extend(self._roster.spans(view, None))
        return apply(clean, spans)
