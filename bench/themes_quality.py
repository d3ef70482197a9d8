"""Theme quality against labelled public data, each engine against a baseline from the same run.

Sets (from $OUTWARD_SHARED_DATA, default <repo>/../shared/data):
* clinc_domains: CLINC150 in-scope utterances, a deterministic sample of 10,000 of 22,500,
  scored against the 10 domains (banking, travel, work, ...);
* banking77: Banking77 train (10,003 utterances), scored against its 77 intents;
* uci_reviews: the UCI sentiment-labelled review sentences (amazon / imdb sources): a
  themes-count and label sanity print only (no topic labels to score against).

For every engine and set: the number of named top-level themes (goal 3..12), the share of
comments in "other" (goal <= 25%), and NMI against the ground truth. Baseline: TF-IDF (word 1-2
grams, English stop words, sublinear tf) + KMeans (k-means++, n_init=10, random_state=0) at the
same number of clusters as the engine produced ("other" counted as one). Goals: NMI at least
baseline + 0.05 for the default (TF-IDF) engine and + 0.15 for the semantic engine, on each set.

Run: python bench/themes_quality.py [--no-semantic]
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

from storage.themes import (  # noqa: E402
    SemanticThemer,
    TfidfThemer,
    ThemeResult,
    semantic_available,
)

SAMPLE = 10_000
GOALS = {"tfidf": 0.05, "semantic": 0.15}


def data_dir() -> Path:
    return Path(os.environ.get("OUTWARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def load_sets(root: Path) -> list[tuple[str, list[str], list[str] | None]]:
    sets: list[tuple[str, list[str], list[str] | None]] = []
    flat = root / "clinc150_oos_eval" / "clinc150_flat.csv"
    if flat.exists():
        rows = [r for r in csv.DictReader(flat.open(encoding="utf-8")) if r["domain"] != "oos"]
        keep = np.sort(np.random.RandomState(0).choice(len(rows), SAMPLE, replace=False))
        rows = [rows[i] for i in keep]
        sets.append(("clinc_domains", [r["text"] for r in rows], [r["domain"] for r in rows]))
    bank = root / "banking77" / "train.csv"
    if bank.exists():
        rows = list(csv.DictReader(bank.open(encoding="utf-8")))
        sets.append(("banking77", [r["text"] for r in rows], [r["category"] for r in rows]))
    uci = root / "uci_sentiment_labelled_sentences" / "sentences.csv"
    if uci.exists():
        rows = list(csv.DictReader(uci.open(encoding="utf-8")))
        sets.append(("uci_reviews", [r["text"] for r in rows], None))
    return sets


def baseline(texts: list[str], k: int) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True, min_df=2)
    x = vec.fit_transform(texts)
    return np.asarray(KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x))


def nmi(truth: list[str], predicted: np.ndarray | tuple[int, ...]) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(truth, predicted))


def main() -> int:
    root = data_dir()
    sets = load_sets(root)
    if not sets:
        print(f"SKIP: no data under {root} (set OUTWARD_SHARED_DATA)")
        return 0
    engines: list[tuple[str, object]] = [("tfidf", TfidfThemer())]
    if "--no-semantic" not in sys.argv and semantic_available():
        engines.append(("semantic", SemanticThemer()))
    else:
        print("semantic engine: skipped (make semantic installs it)")
    header = (
        f"{'set':13} {'n':>6} {'engine':8} {'themes':>6} {'other':>6} {'NMI':>6} "
        f"{'base NMI':>8} {'diff':>6} {'secs':>6}  verdict"
    )
    lines = [header, "-" * len(header)]
    misses = 0
    for name, texts, truth in sets:
        for engine_name, engine in engines:
            t0 = time.perf_counter()
            result: ThemeResult = engine.theme(texts)  # type: ignore[attr-defined]
            secs = time.perf_counter() - t0
            named = [t for t in result.themes if not t.is_other]
            other = sum(len(t.members) for t in result.themes if t.is_other) / len(texts)
            count_ok = 3 <= len(named) <= 12 and other <= 0.25
            print(f"\n{name} / {engine_name}: {len(named)} themes, e.g.")
            for t in named[:6]:
                subs = ", ".join(s.label for s in t.subthemes[:3])
                print(f"  {len(t.members):5d}  {t.label!r:34} key: {', '.join(t.key_phrases[:3])}"
                      + (f"  [sub: {subs}]" if subs else ""))
            if truth is None:
                verdict = "PASS" if count_ok else "MISS"
                lines.append(f"{name:13} {len(texts):6d} {engine_name:8} {len(named):6d} "
                             f"{other:6.1%} {'-':>6} {'-':>8} {'-':>6} {secs:6.1f}  "
                             f"3..12 themes, other <= 25%: {verdict}")
            else:
                score = nmi(truth, result.assignments)
                base = nmi(truth, baseline(texts, len(result.themes)))
                goal = GOALS[engine_name]
                ok = count_ok and score >= base + goal
                verdict = f"diff >= +{goal:.2f}, 3..12 themes, other <= 25%: "
                verdict += "PASS" if ok else "MISS"
                lines.append(f"{name:13} {len(texts):6d} {engine_name:8} {len(named):6d} "
                             f"{other:6.1%} {score:6.3f} {base:8.3f} {score - base:+6.3f} "
                             f"{secs:6.1f}  {verdict}")
            misses += "MISS" in lines[-1]
            print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
