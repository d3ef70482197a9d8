"""A codebook theme's name in the reader's language. Themes are labelled (and stored, after
retention) with the codebook's English name; each reader sees the name in their own language
(`Deps.theme_names`: code -> {locale: name}). A theme named from the comments' own words is
shown as written."""

from __future__ import annotations

from collections.abc import Mapping

Names = Mapping[str, Mapping[str, str]]


def theme_name(names: Names, code: str | None, label: str, locale: str) -> str:
    """`label` in `locale` when it is a codebook theme's: known by its code, or (a comment
    stored or a share-back sent before codes were kept) by its English name; else `label`."""
    found = names.get(code) if code else None
    if found is None and not code:
        found = next((n for n in names.values() if n.get("en") == label), None)
    if found is None:
        return label
    return found.get(locale) or found.get("en") or label
