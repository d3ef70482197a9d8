"""Theme identity across the rounds of a series: the same topic keeps its label and code.

Each theme carries a ``profile`` (its most weighted terms); two themes are the same topic when
their profiles are similar enough. Pairs are matched one-to-one (Hungarian assignment).
"""

from __future__ import annotations

import math
from dataclasses import replace

from storage.themes.model import Theme, ThemeResult


def similarity(a: Theme, b: Theme) -> float:
    """Cosine of two themes' term profiles (0 when either has none)."""
    pa, pb = dict(a.profile), dict(b.profile)
    dot = sum(w * pb.get(t, 0.0) for t, w in pa.items())
    na = math.sqrt(sum(w * w for w in pa.values()))
    nb = math.sqrt(sum(w * w for w in pb.values()))
    return dot / (na * nb) if na and nb else 0.0


def align(new: ThemeResult, previous: ThemeResult, min_similarity: float = 0.3) -> ThemeResult:
    """``new`` with every theme that matches a theme of ``previous`` renamed to the previous
    label and code (codebook themes match by code first). Unmatched themes keep their own label;
    a label or code that a different previous topic used is not reused for another topic."""
    from scipy.optimize import linear_sum_assignment

    olds = [t for t in previous.themes if not t.is_other]
    news = [t for t in new.themes if not t.is_other]
    mapping: dict[int, Theme] = {}
    for t in news:  # same codebook code: same topic
        if t.coded:
            match = next((o for o in olds if o.coded and o.code == t.code), None)
            if match is not None:
                mapping[t.id] = match
    free_new = [t for t in news if t.id not in mapping]
    taken = {o.code for o in mapping.values()}
    free_old = [o for o in olds if o.code not in taken]
    if free_new and free_old:
        import numpy as np

        sims = np.array([[similarity(t, o) for o in free_old] for t in free_new])
        rows, cols = linear_sum_assignment(-sims)
        for r, c in zip(rows, cols, strict=True):
            if sims[r, c] >= min_similarity and free_new[r].coded == free_old[c].coded:
                mapping[free_new[r].id] = free_old[c]
    used_labels = {o.label for o in mapping.values()}
    used_codes = {o.code for o in mapping.values()}
    old_codes = {o.code for o in olds}
    themes: list[Theme] = []
    for t in new.themes:
        match = mapping.get(t.id)
        if match is not None:
            themes.append(replace(t, label=match.label, code=match.code))
            continue
        if t.is_other:
            themes.append(t)
            continue
        label, code = t.label, t.code
        if not t.coded and (code in old_codes or code in used_codes):
            code = f"{code}-{t.id + 1}"  # a new topic never takes an old topic's code
        if label in used_labels:
            label = f"{label} ({t.key_phrases[0]})" if t.key_phrases else f"{label} (new)"
        themes.append(replace(t, label=label, code=code))
    return replace(new, themes=tuple(themes))
