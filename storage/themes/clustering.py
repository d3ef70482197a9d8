"""Clustering of unit-length comment vectors: k-means (scikit-learn's KMeans with k-means++
seeding) or Ward's agglomerative clustering (SciPy's linkage; on k-means micro-clusters for
large sets) for k themes, the number of themes chosen by the mean silhouette (cosine, as
scikit-learn's silhouette_score defines it), small clusters folded into their nearest
neighbour, sub-themes inside each theme.

Deterministic for a given seed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import numpy as np

MIN_THEMES = 3
MAX_THEMES = 12
_SILHOUETTE_SAMPLE = 1_000
_FIT_SAMPLE = 5_000  # k-means is fitted on at most this many comments, then all are assigned
_PROBE_SAMPLE = 2_000  # the number of themes is chosen on at most this many
_SMOOTH_UP_TO = 3_000  # smaller sets are smoothed over their nearest neighbours first
_K_TOLERANCE = 0.7  # small sets: the fewest themes at a silhouette peak within 70% of the best
_K_STEP = 0.02  # one more theme that raises the silhouette by less than this is no better
_EXACT_WARD = 2_000  # Ward joins up to this many comments themselves (SciPy, O(n^2) memory)
_MICRO = 150  # larger sets: Ward joins this many k-means micro-clusters of the comments
_MICRO_FIT = 20_000  # the micro-clusters are fitted on at most this many comments
_WARD_SMOOTH_UP_TO = 20_000  # Ward: sets up to this size are smoothed, whatever their size
METHODS = ("kmeans", "ward")


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(x / norms, dtype=np.float32)


def centre_sums(z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of each cluster (a sparse one-hot product: np.add.at is slow)."""
    import scipy.sparse as sp

    n = z.shape[0]
    onehot = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n), dtype=np.float32
    )
    return np.asarray(onehot @ z, dtype=np.float32)


def assign(z: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid (cosine) per row, and the similarity to it."""
    labels = np.empty(z.shape[0], dtype=np.int64)
    sims = np.empty(z.shape[0], dtype=np.float32)
    for start in range(0, z.shape[0], 16_384):
        block = z[start : start + 16_384] @ centroids.T
        best = np.argmax(block, axis=1)
        labels[start : start + 16_384] = best
        sims[start : start + 16_384] = block[np.arange(block.shape[0]), best]
    return labels, sims


def kmeans(
    z: np.ndarray, k: int, seed: int, n_init: int = 3, max_iter: int = 60, wide: bool = False
) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means of unit rows (scikit-learn's KMeans, k-means++ seeding; on unit vectors the
    Euclidean objective is the cosine one): (labels, unit centroids, mean similarity to the own
    centroid). ``wide``: fit in float64 (k-means++ seeding of many centres is several times
    faster there: in float32 scikit-learn computes its distances in small upcast chunks)."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    k = max(1, min(k, z.shape[0]))
    with warnings.catch_warnings():  # near-duplicate comments: fewer distinct clusters than k
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = KMeans(n_clusters=k, init="k-means++", n_init=n_init, max_iter=max_iter,
                     tol=1e-4, random_state=seed).fit(z.astype(np.float64) if wide else z)
    centroids = normalize_rows(fit.cluster_centers_)
    labels, sims = assign(z, centroids)
    return labels, centroids, float(sims.mean())


def silhouette_sample(n: int, seed: int, sample: int = _SILHOUETTE_SAMPLE) -> np.ndarray:
    """The rows a silhouette is measured on: all of them, or a deterministic sample."""
    idx = np.arange(n)
    if n > sample:
        idx = np.sort(np.random.RandomState(seed).choice(n, sample, replace=False))
    return idx


def cosine_distances(z: np.ndarray) -> np.ndarray:
    """Pairwise cosine distances of unit rows (computed once for the many silhouettes of one
    set of rows)."""
    d = 1.0 - z @ z.T
    np.clip(d, 0.0, 2.0, out=d)
    np.fill_diagonal(d, 0.0)
    return np.asarray(d, dtype=np.float64)


def mean_silhouette(d: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette coefficient of ``labels`` (at least two clusters) from the pairwise
    distances ``d``: the value scikit-learn's silhouette_score(d, labels, metric="precomputed")
    returns (tests/test_themes.py compares them), from one product of ``d`` with the cluster
    membership matrix. silhouette_score validates the whole matrix on every call, which cost
    more than the score itself for the dozens of candidate clusterings of one /themes."""
    _, lab = np.unique(labels, return_inverse=True)
    n = len(lab)
    rows = np.arange(n)
    members = np.zeros((n, int(lab.max()) + 1), dtype=np.float64)
    members[rows, lab] = 1.0
    sums = d @ members  # each row's total distance to each cluster
    sizes = members.sum(axis=0)
    own = sizes[lab]
    intra = sums[rows, lab] / np.maximum(own - 1.0, 1.0)  # mean distance to the others in it
    means = sums / sizes
    means[rows, lab] = np.inf
    nearest = means.min(axis=1)  # mean distance to the nearest other cluster
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (nearest - intra) / np.maximum(intra, nearest)
    s = np.where(own > 1, np.nan_to_num(s), 0.0)  # a comment alone in its cluster scores 0
    return float(s.mean())


def silhouette(z: np.ndarray, labels: np.ndarray, seed: int, sample: int = _SILHOUETTE_SAMPLE,
               distances: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """Mean cosine silhouette (:func:`mean_silhouette`) on a deterministic sample of at most
    `sample` rows (-1 when it is undefined). `distances`: (sample rows, their
    `cosine_distances`), when one set of rows is scored for several clusterings."""
    if distances is None:
        idx = silhouette_sample(z.shape[0], seed, sample)
        d = cosine_distances(z[idx])
    else:
        idx, d = distances
    lab = labels[idx]
    distinct = len(np.unique(lab))
    if distinct < 2 or distinct >= len(idx):
        return -1.0
    return mean_silhouette(d, lab)


def fold_small(
    z: np.ndarray, labels: np.ndarray, centroids: np.ndarray, min_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Dissolve clusters under ``min_size`` (smallest first) into their nearest neighbours."""
    labels = labels.copy()
    alive = list(range(centroids.shape[0]))
    while len(alive) > 1:
        sizes = {c: int((labels == c).sum()) for c in alive}
        smallest = min(alive, key=lambda c: (sizes[c], c))
        if sizes[smallest] >= min_size:
            break
        alive.remove(smallest)
        rows = np.flatnonzero(labels == smallest)
        if len(rows):
            sub, _ = assign(z[rows], centroids[alive])
            labels[rows] = np.asarray(alive)[sub]
    remap = {c: i for i, c in enumerate(alive)}
    out = np.array([remap[int(c)] for c in labels], dtype=np.int64)
    return out, normalize_rows(centre_sums(z, out, len(alive)))


def smooth(z: np.ndarray, neighbours: int) -> np.ndarray:
    """Every row averaged with its nearest neighbours (cosine), re-normalised: removes noise
    before clustering a small set."""
    n = z.shape[0]
    m = min(neighbours, n - 1)
    if m < 2:
        return z
    out = np.empty_like(z)
    for start in range(0, n, 1024):
        block = z[start : start + 1024] @ z.T
        idx = np.argpartition(-block, m, axis=1)[:, : m + 1]
        out[start : start + 1024] = z[idx].mean(axis=1)
    return normalize_rows(out)


def ward_tree(centres: np.ndarray, weights: np.ndarray, k_min: int) -> dict[int, np.ndarray]:
    """Ward's agglomerative clustering of weighted points (each a micro-cluster's centre,
    weighted by its size): {k: the points' labels at k clusters} for every k from the number
    of points down to ``k_min``. Each step joins the two clusters whose join least raises the
    within-cluster sum of squares, size_a * size_b / (size_a + size_b) * |centre_a - centre_b|^2
    (the Ward criterion, which SciPy's linkage computes only for unweighted points)."""
    c = np.asarray(centres, dtype=np.float64).copy()
    w = np.asarray(weights, dtype=np.float64).copy()
    m = c.shape[0]
    sq = (c * c).sum(axis=1)
    cost = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (c @ c.T), 0.0)
    cost *= w[:, None] * w[None, :] / (w[:, None] + w[None, :])
    np.fill_diagonal(cost, np.inf)
    alive = np.ones(m, dtype=bool)
    owner = np.arange(m)
    out = {m: owner.copy()}
    for k in range(m - 1, max(k_min, 1) - 1, -1):
        a, b = sorted(np.unravel_index(int(np.argmin(cost)), cost.shape))
        joined = w[a] + w[b]
        c[a] = (c[a] * w[a] + c[b] * w[b]) / joined
        w[a] = joined
        alive[b] = False
        owner[owner == b] = a
        row = w * joined / (w + joined) * ((c - c[a]) ** 2).sum(axis=1)
        row[~alive] = np.inf
        row[a] = np.inf
        cost[a, :] = row
        cost[:, a] = row
        cost[b, :] = np.inf
        cost[:, b] = np.inf
        out[k] = np.unique(owner, return_inverse=True)[1].astype(np.int64)
    return out


def ward(z: np.ndarray, seed: int, k_min: int, k_max: int) -> dict[int, np.ndarray]:
    """Ward's agglomerative clustering of unit rows ``z`` (on unit vectors the Euclidean
    criterion is the cosine one): {k: labels} for k in [k_min, k_max], nested (each k splits
    one theme of k - 1). Up to 2,000 rows: SciPy's exact Ward linkage of the rows; above, Ward
    joins 150 k-means micro-clusters (fitted on at most 20,000 rows, every row then assigned),
    each weighted by its size. Unlike k-means restarts, the partitions do not depend on the
    seeding at each k, so their silhouettes compare the numbers of themes, not the luck of a
    start."""
    n = z.shape[0]
    ks = range(k_min, k_max + 1)
    if n < 2 or k_max <= 1:
        return {k: np.zeros(n, dtype=np.int64) for k in ks}
    if n <= _EXACT_WARD:
        from scipy.cluster.hierarchy import cut_tree, fcluster, linkage

        tree = linkage(np.asarray(z, dtype=np.float64), method="ward")
        out: dict[int, np.ndarray] = {}
        for k in ks:
            # fcluster (compiled) cuts where the tree has k branches; only merges at equal
            # heights (duplicate comments) can leave it fewer: cut_tree (Python) cuts exactly
            labels = fcluster(tree, k, criterion="maxclust") - 1
            if labels.max() + 1 != k:
                labels = cut_tree(tree, n_clusters=k)[:, 0]
            out[k] = np.asarray(labels, dtype=np.int64)
        return out
    rng = np.random.RandomState(seed)
    fit = z if n <= _MICRO_FIT else z[np.sort(rng.choice(n, _MICRO_FIT, replace=False))]
    _, centres, _ = kmeans(fit, max(_MICRO, k_max), seed, n_init=1, max_iter=100,
                           wide=True)
    micro, _ = assign(z, centres)
    sizes = np.bincount(micro, minlength=centres.shape[0])
    used = sizes > 0
    index = np.cumsum(used) - 1  # micro-cluster -> its row among the used ones
    tree = ward_tree(centres[used], sizes[used], k_min)
    found = {k: tree[k][index[micro]] for k in ks if k in tree}
    if not found:  # fewer micro-clusters than themes: k-means left some empty (duplicates)
        found = {max(tree): tree[max(tree)][index[micro]]}
    return found


def _choose_k(scores: dict[int, float], small: bool) -> int:
    """The number of themes from the silhouette of each candidate number (see `cluster`)."""
    top = max(scores.values())
    if top <= 0:
        return min(scores)
    # the fewest themes that separate the comments nearly as well as the best number does
    tolerance = _K_TOLERANCE if small else 1.0
    near = [k for k, v in scores.items() if v >= tolerance * top]
    # where one more theme stops separating better (near-duplicates keep raising the score at
    # large k in a small set, so the first peak, not the highest)
    peaks = [k for k in near if k == max(scores) or scores[k] >= scores[k + 1] - _K_STEP]
    return min(peaks or near)


def cluster(
    z: np.ndarray,
    seed: int,
    min_size: int,
    k_min: int = MIN_THEMES,
    k_max: int = MAX_THEMES,
    method: str = "kmeans",
) -> tuple[np.ndarray, np.ndarray]:
    """Top-level themes of unit rows ``z``: k in [k_min, k_max] (fewer when there are too few
    comments for ``min_size`` each) chosen by silhouette. A small set (up to 3,000 comments) is
    smoothed over its nearest neighbours first and gets the fewest themes at which one more
    theme stops separating the comments better, among those within 70% of the best silhouette
    (silhouette alone splits near-duplicates apart in small sets); a large set gets the best k.
    ``method``: "kmeans" (k-means for every k, on samples of a large set) or "ward" (the nested
    partitions of :func:`ward`, from rows smoothed at any size up to 20,000: sentence
    embeddings are noisy one by one, and Ward's partitions of the smoothed rows are better at
    every k). Returns (labels, centroids)."""
    if method not in METHODS:
        raise ValueError(f"unknown clustering method {method!r}")
    n = z.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, z.shape[1]), dtype=np.float32)
    k_max = max(1, min(k_max, n // max(min_size, 1)))
    k_min = max(1, min(k_min, k_max))
    distinct = len(np.unique(np.round(z[: min(n, 5_000)], 3), axis=0))
    k_max = max(1, min(k_max, distinct))
    k_min = min(k_min, k_max)
    small = n <= _SMOOTH_UP_TO
    if small or (method == "ward" and n <= _WARD_SMOOTH_UP_TO):
        z = smooth(z, max(2, min(10, n // 12)))
    pick = _by_ward if method == "ward" else _by_kmeans
    chosen, labels = pick(z, seed, k_min, k_max, small)
    return fold_small(z, labels, normalize_rows(centre_sums(z, labels, chosen)), min_size)


def _by_ward(z: np.ndarray, seed: int, k_min: int, k_max: int, small: bool
             ) -> tuple[int, np.ndarray]:
    """(k, labels): the partition of :func:`ward` with the best silhouette (see `cluster`)."""
    partitions = ward(z, seed, k_min, k_max)
    idx = silhouette_sample(z.shape[0], seed, _SILHOUETTE_SAMPLE if small else _PROBE_SAMPLE)
    distances = (idx, cosine_distances(z[idx]))
    scores = {k: silhouette(z, labels, seed, distances=distances) if k > 1 else 0.0
              for k, labels in partitions.items()}
    chosen = _choose_k(scores, small)
    return chosen, partitions[chosen]


def _by_kmeans(z: np.ndarray, seed: int, k_min: int, k_max: int, small: bool
               ) -> tuple[int, np.ndarray]:
    """(k, labels): k chosen by the silhouettes of k-means on (a sample of) the rows, then
    k-means fitted on (another sample of) them and every row assigned (see `cluster`)."""
    n = z.shape[0]
    rng = np.random.RandomState(seed)
    probe = z if n <= _PROBE_SAMPLE else z[np.sort(rng.choice(n, _PROBE_SAMPLE, replace=False))]
    idx = silhouette_sample(probe.shape[0], seed)
    distances = (idx, cosine_distances(probe[idx]))
    scores: dict[int, float] = {}
    for k in range(k_min, k_max + 1):
        # a large set takes the best k, so its curve must be steady: two starts per k
        labels, _, _ = kmeans(probe, k, seed, n_init=1 if small else 2, max_iter=25)
        scores[k] = silhouette(probe, labels, seed, distances=distances) if k > 1 else 0.0
    chosen = _choose_k(scores, small)
    fit = z if n <= _FIT_SAMPLE else z[np.sort(rng.choice(n, _FIT_SAMPLE, replace=False))]
    _, centroids, _ = kmeans(fit, chosen, seed, n_init=2, max_iter=40)
    labels, _ = assign(z, centroids)
    return chosen, labels


def subclusters(z: np.ndarray, seed: int, min_size: int, max_k: int = 4,
                method: str = "kmeans") -> np.ndarray | None:
    """Sub-theme labels for the rows of one theme, or None when it does not split well.
    ``method``: "kmeans" (a k-means fit for each number of sub-themes) or "ward" (the nested
    partitions of :func:`ward`, one linkage for every number: the semantic engine's themes come
    from Ward's tree, and a k-means fit per number cost it a quarter of a /themes)."""
    if method not in METHODS:
        raise ValueError(f"unknown clustering method {method!r}")
    n = z.shape[0]
    k_max = min(max_k, n // max(min_size, 2))
    if k_max < 2:
        return None
    best: tuple[float, np.ndarray] | None = None
    idx = silhouette_sample(n, seed, 500)
    distances = (idx, cosine_distances(z[idx]))
    candidates: Iterator[tuple[np.ndarray, np.ndarray]]
    if method == "ward":
        partitions = ward(z, seed, 2, k_max)
        candidates = (
            (labels, normalize_rows(centre_sums(z, labels, int(labels.max()) + 1)))
            for _, labels in sorted(partitions.items())
        )
    else:
        fit = z if n <= _SILHOUETTE_SAMPLE else z[np.sort(np.random.RandomState(seed).choice(
            n, _SILHOUETTE_SAMPLE, replace=False))]

        def fitted() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for k in range(2, k_max + 1):
                _, centroids, _ = kmeans(fit, k, seed, n_init=1, max_iter=20)
                labels, _ = assign(z, centroids)
                yield labels, centroids

        candidates = fitted()
    for labels, centroids in candidates:
        labels, centroids = fold_small(z, labels, centroids, min_size)
        if centroids.shape[0] < 2:
            continue
        score = silhouette(z, labels, seed, distances=distances) + 0.01 * math.log(
            centroids.shape[0])
        if best is None or score > best[0]:
            best = (score, labels)
    return None if best is None else best[1]


def order_by_closeness(z: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``members`` ordered by cosine to their own (mean) centre, closest first; ties by index."""
    if len(members) == 0:
        return members
    rows = z[members]
    centre = rows.sum(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0:
        return np.sort(members)
    sims = rows @ (centre / norm)
    return members[np.lexsort((members, -np.round(sims, 6)))]
