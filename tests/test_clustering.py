"""The clustering under the themes: Ward's method (the semantic engine's) joins the same
clusters as SciPy's, counts a micro-cluster's size as that many comments, gives nested themes
and finds the topics of small and large sets; the silhouette is scikit-learn's; the semantic
engine encodes each distinct comment once and keeps no comment text in its cache."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.cluster.hierarchy import cut_tree, linkage
from sklearn.metrics import adjusted_rand_score, silhouette_score

from storage.themes import SemanticThemer, semantic_available
from storage.themes.clustering import (
    cluster,
    cosine_distances,
    mean_silhouette,
    normalize_rows,
    subclusters,
    ward,
    ward_tree,
)
from tests.test_themes import chatty, check_consistent


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return adjusted_rand_score(a, b) == 1.0


def topics(n: int, k: int, dims: int = 40, noise: float = 0.8, seed: int = 3
           ) -> tuple[np.ndarray, np.ndarray]:
    """n unit vectors around k random directions (what embeddings of k topics look like)."""
    rng = np.random.RandomState(seed)
    centres = normalize_rows(rng.randn(k, dims))
    truth = rng.randint(0, k, n)
    return normalize_rows(centres[truth] + noise * rng.randn(n, dims) / np.sqrt(dims)), truth


def test_weighted_ward_with_unit_weights_joins_what_scipy_joins() -> None:
    z, _ = topics(60, 4, dims=8)
    tree = ward_tree(z, np.ones(len(z)), 1)
    scipy = linkage(z.astype(np.float64), method="ward")
    for k in range(1, len(z) + 1):
        assert same_partition(tree[k], cut_tree(scipy, n_clusters=k)[:, 0]), k


def test_a_micro_cluster_weighs_as_many_comments_as_it_holds() -> None:
    rng = np.random.RandomState(5)
    centres = rng.randn(25, 6)
    weights = rng.randint(1, 5, 25)
    tree = ward_tree(centres, weights, 1)
    repeated = np.repeat(centres, weights, axis=0)  # every comment of every micro-cluster
    owner = np.repeat(np.arange(25), weights)
    scipy = linkage(repeated, method="ward")
    for k in range(1, 26):
        assert same_partition(tree[k][owner], cut_tree(scipy, n_clusters=k)[:, 0]), k


@pytest.mark.parametrize("n", [300, 3_000])  # SciPy's exact Ward; Ward on micro-clusters
def test_ward_themes_are_nested_and_find_the_topics(n: int) -> None:
    z, truth = topics(n, 6)
    partitions = ward(z, 0, 3, 12)
    assert sorted(partitions) == list(range(3, 13))
    for k in range(3, 12):  # k + 1 themes split one of the k, never regroup comments
        coarse, fine = partitions[k], partitions[k + 1]
        assert len(np.unique(fine)) == k + 1
        assert all(len(np.unique(coarse[fine == j])) == 1 for j in range(k + 1))
    labels, _ = cluster(z, 0, max(3, n // 30), method="ward")
    assert len(np.unique(labels)) == 6
    assert adjusted_rand_score(truth, labels) >= 0.95


def test_ward_on_tiny_and_duplicate_sets() -> None:
    one = normalize_rows(np.ones((1, 4)))
    labels, centroids = cluster(one, 0, 1, method="ward")
    assert labels.tolist() == [0] and centroids.shape == (1, 4)
    same = normalize_rows(np.ones((40, 4)))  # one comment, forty times
    labels, _ = cluster(same, 0, 3, method="ward")
    assert labels.tolist() == [0] * 40
    z, _ = topics(2_500, 3)
    labels, _ = cluster(np.repeat(z[:5], 500, axis=0), 0, 3, method="ward")  # five distinct
    assert len(np.unique(labels)) <= 5
    with pytest.raises(ValueError, match="unknown clustering method"):
        cluster(z, 0, 3, method="spectral")


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_a_theme_splits_into_the_sub_topics_it_holds(method: str) -> None:
    z, truth = topics(120, 3, noise=0.5)
    labels = subclusters(z, 0, 10, method=method)
    assert labels is not None and adjusted_rand_score(truth, labels) >= 0.95
    one, _ = topics(120, 1, noise=0.5)  # one topic: nothing to split, or parts of it
    assert subclusters(one[:15], 0, 10, method=method) is None  # too few for two of 10
    with pytest.raises(ValueError, match="unknown clustering method"):
        subclusters(z, 0, 10, method="spectral")


def test_the_silhouette_is_scikit_learns() -> None:
    rng = np.random.RandomState(1)
    z = normalize_rows(rng.randn(200, 10))
    d = cosine_distances(z)
    for k in (2, 5, 17):
        labels = rng.randint(0, k, 200)
        labels[:3] = [k, k + 1, k + 2]  # comments alone in their cluster score 0
        assert mean_silhouette(d, labels) == pytest.approx(
            silhouette_score(d, labels, metric="precomputed"), abs=1e-9)


def hashed_words(texts: list[str]) -> np.ndarray:
    """A stand-in sentence model: the sum of a fixed random vector per word."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            out[i] += np.random.RandomState(seed).randn(64)
    return out


def stand_in(tmp_path: Path) -> tuple[SemanticThemer, list[list[str]]]:
    themer = SemanticThemer(str(tmp_path))
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return hashed_words(texts)

    themer._encoder = encode  # the model's place: no model files needed
    return themer, calls


def test_each_distinct_comment_is_encoded_once_and_no_text_is_kept(tmp_path: Path) -> None:
    themer, calls = stand_in(tmp_path)
    first = themer.encode(["short staffed", "parking is full", "short staffed"])
    assert calls == [["short staffed", "parking is full"]]
    again = themer.encode(["parking is full", "training was rushed", "short staffed"])
    assert calls[1:] == [["training was rushed"]]  # the others come from the cache
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])
    assert all(isinstance(key, bytes) and len(key) == 16 for key in themer._cache)
    themer.forget()
    themer.encode(["short staffed"])
    assert calls[2:] == [["short staffed"]]


def test_the_semantic_engine_themes_by_ward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from sklearn.metrics import normalized_mutual_info_score

    from storage.themes import clustering

    joined: list[int] = []
    monkeypatch.setattr(clustering, "ward", lambda z, *a: joined.append(len(z)) or ward(z, *a))
    themer, calls = stand_in(tmp_path)
    texts, labels = chatty(per_topic=12)
    result = themer.theme(texts)
    # the themes, then each theme's sub-themes, from Ward's tree
    assert joined[0] == len(texts) and all(n < len(texts) for n in joined[1:])
    assert result.engine == "semantic"
    check_consistent(result, len(texts))
    assert any(t.subthemes for t in result.themes)
    assert 3 <= sum(1 for t in result.themes if not t.is_other) <= 12
    assert normalized_mutual_info_score(labels, result.assignments) >= 0.6
    assert themer.theme(texts) == result  # deterministic
    assert len(calls) == 1  # the second theming read every embedding from the cache


def test_words_past_the_models_window_do_not_change_the_embedding() -> None:
    if not semantic_available():
        pytest.skip("semantic engine not installed (make semantic)")
    themer = SemanticThemer()
    long = " ".join(["the desk is short staffed every evening and weekend"] * 20)  # > 128
    a, b, short = themer.encode([long, long + " but the parking is fine", "short staffed"])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-5)
    assert float(a @ short) < 0.99


def test_the_model_uses_the_cpus_the_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.themes import engines

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    for cpus in (1, 2, 8):
        monkeypatch.setattr(engines.os, "sched_getaffinity", lambda _, c=cpus: set(range(c)))
        assert engines.encode_threads() == cpus
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the operator's word wins
    assert engines.encode_threads() == 3
