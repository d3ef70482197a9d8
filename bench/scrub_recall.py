"""Recall of storage.scrub.Scrubber on Presidio's synthetic PII sentences.

Data: $OUTWARD_SHARED_DATA/presidio_research_pii/synth_dataset_v2.json (default
<repo>/../shared/data). The roster is built from the dataset's own PERSON spans, as a real roster
would hold everyone's names.

A gold span counts as removed when no trace of it is left in the scrubbed text:
* names: no part of the name (2+ letters) is left as a whole word, same case;
* numbers (phone, card, IBAN, SSN, IP): no run of 6 of its digits is left (all of them if
  shorter), so a coincidental match with a zip code is not counted as a leak;
* others: its text is no longer there.

Run: python bench/scrub_recall.py
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.scrub import Scrubber  # noqa: E402

TARGETS = {
    "EMAIL_ADDRESS": 0.95,
    "PHONE_NUMBER": 0.95,
    "CREDIT_CARD": 0.95,
    "PERSON": 0.98,
}
NUMERIC = {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS"}
WORD = re.compile(r"[^\W\d_]+")
# Honorifics, generational suffixes and surname particles are not identifying on their own.
NOT_IDENTIFYING = frozenset(
    "mr mrs ms miss mx dr prof sir dame rev jr sr ii iii iv phd md dds dvm esq "
    "da das de del della der den di dos du el la le van von ten ter".split()
)


def data_dir() -> Path:
    return Path(os.environ.get("OUTWARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def leaked(entity_type: str, value: str, scrubbed: str) -> bool:
    if entity_type == "PERSON":
        for part in WORD.findall(value):
            if part.casefold() in NOT_IDENTIFYING:
                continue
            if len(part) >= 2 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", scrubbed):
                return True
        return False
    if entity_type in NUMERIC:
        digits = re.sub(r"\D", "", value)
        if len(digits) < 4:
            return value in scrubbed
        w = min(6, len(digits))
        # Digits left in the output, one string per number-like run ("555-0143" -> "5550143").
        runs = [re.sub(r"\D", "", r) for r in re.findall(r"\d(?:[\s\-.()/]?\d)*", scrubbed)]
        return any(digits[i : i + w] in run for run in runs for i in range(len(digits) - w + 1))
    return value in scrubbed


def main() -> int:
    path = data_dir() / "presidio_research_pii" / "synth_dataset_v2.json"
    if not path.exists():
        print(f"SKIP: {path} not found (set OUTWARD_SHARED_DATA)")
        return 0
    rows = json.loads(path.read_text(encoding="utf-8"))
    roster = sorted(
        {s["entity_value"] for r in rows for s in r["spans"] if s["entity_type"] == "PERSON"}
    )
    t0 = time.perf_counter()
    scrubber = Scrubber(roster)
    t_init = time.perf_counter() - t0

    total: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    misses: dict[str, list[tuple[str, str]]] = {}
    no_pii = changed = 0
    changed_examples: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    for row in rows:
        text = row["full_text"]
        out = scrubber.scrub(text)
        if not row["spans"]:
            no_pii += 1
            if out != text:
                changed += 1
                changed_examples.append((text, out))
            continue
        for span in row["spans"]:
            et = span["entity_type"]
            total[et] += 1
            if leaked(et, span["entity_value"], out):
                misses.setdefault(et, []).append((span["entity_value"], out))
            else:
                removed[et] += 1
    elapsed = time.perf_counter() - t0

    print(f"dataset: {path} ({len(rows)} sentences, roster of {len(roster)} person spans)")
    print(f"Scrubber init {t_init:.2f} s; scrub {1000 * elapsed / len(rows):.2f} ms/sentence")
    print(f"{'entity':18} {'spans':>6} {'recall':>7}  target")
    for et in sorted(total, key=lambda e: -total[e]):
        recall = removed[et] / total[et]
        target = TARGETS.get(et)
        verdict = "" if target is None else f"{target:.2f} {'PASS' if recall >= target else 'MISS'}"
        print(f"{et:18} {total[et]:6d} {recall:7.3f}  {verdict}")
    share = changed / no_pii if no_pii else 0.0
    print(
        f"{'no-PII changed':18} {no_pii:6d} {share:7.3f}  0.05 "
        f"{'PASS' if share <= 0.05 else 'MISS'}"
    )
    clinc = data_dir() / "clinc150_oos_eval" / "clinc150_work_domain.csv"
    if clinc.exists():  # extra over-redaction check on ordinary workplace requests (no target)
        import csv

        texts = [r["text"] for r in csv.DictReader(clinc.open(encoding="utf-8"))]
        diffs = [(t, o) for t in texts if (o := scrubber.scrub(t)) != t]
        print(f"{'CLINC work changed':18} {len(texts):6d} {len(diffs) / len(texts):7.3f}  (info)")
        for text, out in diffs[:3]:
            print(f"  changed CLINC: {text!r} -> {out!r}")
    for et in ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "PERSON"):
        for value, out in misses.get(et, [])[:5]:
            print(f"  missed {et}: {value!r} -> {out[:140]!r}")
    for text, out in changed_examples[:5]:
        print(f"  changed no-PII: {text!r} -> {out!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
