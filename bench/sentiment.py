"""Sentiment quality: Outward's per-comment sentiment against TextBlob's raw polarity.

1. UCI sentiment-labelled review sentences ($OUTWARD_SHARED_DATA/uci_sentiment_labelled_sentences;
   two classes, positive / negative, no neutral sentences). Both methods are mapped to the two
   classes the same way, by the sign of the underlying score: > 0 positive, < 0 negative, and a
   score of exactly 0 predicts neither (it counts as wrong for accuracy and as a miss in
   macro-F1). How many each method left at 0, and how many Outward labels "neutral" (|score| <=
   0.1), is printed. Goal: macro-F1 at least TextBlob's + 0.08.
2. bench/data/workplace_sentiment.csv: 59 workplace comments written and hand-labelled for
   Outward (English and Spanish, positive / neutral / negative): three-class accuracy of both.

Run: python bench/sentiment.py
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.themes.sentiment import label, scores  # noqa: E402

GOAL = 0.08
WORKPLACE = REPO / "bench" / "data" / "workplace_sentiment.csv"


def data_dir() -> Path:
    return Path(os.environ.get("OUTWARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def textblob_scores(texts: list[str]) -> list[float]:
    from textblob.en.sentiments import PatternAnalyzer

    analyzer = PatternAnalyzer()
    return [float(analyzer.analyze(t).polarity) for t in texts]


def by_sign(values: list[float]) -> list[str]:
    return ["positive" if v > 0 else "negative" if v < 0 else "none" for v in values]


def two_class(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
    macro = float(f1_score(truth, predicted, labels=["positive", "negative"], average="macro"))
    return accuracy, macro


def main() -> int:
    uci = data_dir() / "uci_sentiment_labelled_sentences" / "sentences.csv"
    lines: list[str] = []
    if uci.exists():
        rows = list(csv.DictReader(uci.open(encoding="utf-8")))
        texts = [r["text"] for r in rows]
        truth = [r["sentiment"] for r in rows]
        t0 = time.perf_counter()
        ours = scores(texts)
        our_secs = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = textblob_scores(texts)
        their_secs = time.perf_counter() - t0
        acc, f1 = two_class(truth, by_sign(ours))
        base_acc, base_f1 = two_class(truth, by_sign(theirs))
        neutral = sum(1 for v in ours if label(v) == "neutral")
        zero, base_zero = sum(v == 0 for v in ours), sum(v == 0 for v in theirs)
        sources = ", ".join(sorted({r["source"] for r in rows}))
        print(f"UCI review sentences: {len(texts)} ({sources})")
        print(f"  TextBlob polarity: accuracy {base_acc:.3f}  macro-F1 {base_f1:.3f}  "
              f"score 0 (no call): {base_zero}  ({their_secs:.2f} s)")
        print(f"  Outward          : accuracy {acc:.3f}  macro-F1 {f1:.3f}  "
              f"score 0 (no call): {zero}  labelled neutral: {neutral}  ({our_secs:.2f} s)")
        for source in sorted({r["source"] for r in rows}):
            idx = [i for i, r in enumerate(rows) if r["source"] == source]
            sub = [truth[i] for i in idx]
            _, sf1 = two_class(sub, by_sign([ours[i] for i in idx]))
            _, sbf1 = two_class(sub, by_sign([theirs[i] for i in idx]))
            print(f"    {source:8} macro-F1 Outward {sf1:.3f}  TextBlob {sbf1:.3f}  "
                  f"diff {sf1 - sbf1:+.3f}")
        verdict = "PASS" if f1 >= base_f1 + GOAL else "MISS"
        lines.append(f"UCI macro-F1: Outward {f1:.3f}, TextBlob {base_f1:.3f}, "
                     f"diff {f1 - base_f1:+.3f} (goal >= +{GOAL:.2f}): {verdict}")
    else:
        print(f"SKIP UCI: {uci} not found (set OUTWARD_SHARED_DATA)")
    rows = list(csv.DictReader(WORKPLACE.open(encoding="utf-8")))
    texts = [r["text"] for r in rows]
    truth = [r["sentiment"] for r in rows]
    ours_labels = [label(v) for v in scores(texts)]
    theirs_labels = [label(v) for v in textblob_scores(texts)]
    print(f"\nWorkplace comments (hand-labelled, {len(rows)}: "
          f"{sum(r['language'] == 'es' for r in rows)} Spanish), three classes:")
    for lang in ("en", "es", None):
        idx = [i for i, r in enumerate(rows) if lang is None or r["language"] == lang]
        acc = sum(ours_labels[i] == truth[i] for i in idx) / len(idx)
        base = sum(theirs_labels[i] == truth[i] for i in idx) / len(idx)
        print(f"  {lang or 'all':3}  accuracy Outward {acc:.3f}  TextBlob {base:.3f}  "
              f"diff {acc - base:+.3f}")
    wrong = [(texts[i], truth[i], ours_labels[i]) for i in range(len(rows))
             if ours_labels[i] != truth[i]]
    for text, want, got in wrong:
        print(f"    wrong: {text!r}: labelled {want}, Outward says {got}")
    acc = sum(o == t for o, t in zip(ours_labels, truth, strict=True)) / len(rows)
    base = sum(o == t for o, t in zip(theirs_labels, truth, strict=True)) / len(rows)
    lines.append(f"Workplace accuracy: Outward {acc:.3f}, TextBlob {base:.3f}, "
                 f"diff {acc - base:+.3f}: {'PASS' if acc > base else 'MISS'}")
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
