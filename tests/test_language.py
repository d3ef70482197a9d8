"""Interface language: plurals and dates through Babel, both languages complete with the same
placeholders, formal *usted* in every Spanish text, Spanish command names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

import pytest

from prompts.catalog import Catalog, check_texts, load_catalog, parse_template, placeholders
from prompts.commands import COMMAND_ALIASES, canonical_command
from prompts.content import load_content


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


INVITE = dict(name="Ana", title="T", owner="the committee", minutes=2, until="2026-12-09")


def test_counts_read_naturally_in_english_and_spanish(catalog: Catalog) -> None:
    assert "1 question, about 2 minutes, open until December 9, 2026." in catalog.text(
        "en", "pulse.invite", count=1, **INVITE)
    assert "8 questions, about 2 minutes" in catalog.text("en", "pulse.invite", count=8, **INVITE)
    assert "1 pregunta, unos 2 minutos, hasta el 9 de diciembre de 2026." in catalog.text(
        "es", "pulse.invite", count=1, **INVITE)
    assert "8 preguntas" in catalog.text("es", "pulse.invite", count=8, **INVITE)
    en = catalog.text("en", "learn.enrolled", count=1, title="Bias", already=0)
    assert en == "Enrolled 1 person in *Bias* (0 were already in it)."
    es = catalog.text("es", "learn.enrolled", count=1, title="Sesgos", already=1)
    assert es == "Se inscribió 1 persona en *Sesgos* (1 ya estaba inscrita)."
    assert "Se guardaron 3 respuestas." in catalog.text(
        "es", "pulse.receipt", count=3, k=5, k_comments=10, shared="", owner="")
    assert "Se guardó 1 respuesta." in catalog.text(
        "es", "pulse.receipt", count=1, k=5, k_comments=10, shared="", owner="")
    closed = catalog.text("en", "rounds.closed", round="r", completed=1, invited=1, drafts=0)
    assert closed == "r is closed. 1 of 1 invited person finished. No unfinished drafts were left."


def test_big_numbers_are_grouped_for_the_reader(catalog: Catalog) -> None:
    assert catalog.text("en", "mentor.l.header", n=15000) == "The 15,000 pairs you support:"
    assert catalog.text("es", "mentor.l.header", n=15000) == "Las 15.000 parejas que usted apoya:"
    assert catalog.text("es", "mentor.l.header", n=1) == "La pareja que usted apoya:"


@pytest.mark.parametrize("value", ["2026-12-09", date(2026, 12, 9), datetime(2026, 12, 9, 8, 30)])
def test_dates_are_written_in_the_readers_language(catalog: Catalog, value: object) -> None:
    assert catalog.text("en", "learn.snoozed", until=value) == "Snoozed until December 9, 2026."
    assert catalog.text("es", "learn.snoozed", until=value) == (
        "Pospuesto hasta el 9 de diciembre de 2026.")
    assert catalog.date("es", value, "medium") == "9 dic 2026"


def test_values_that_are_not_dates_or_numbers_are_shown_as_they_are(catalog: Catalog) -> None:
    assert catalog.text("en", "mentor.check.thanks", next="-").endswith("Next check-in: -.")
    # learning statistics pass "fewer than 5" where a count is hidden: the plural's other form
    text = Catalog({"en": {"k": "{n, plural, one {# person} other {# people}}"}})
    assert text.text("en", "k", n="fewer than 5") == "fewer than 5 people"
    assert text.text("en", "k", n=1) == "1 person"


def test_unknown_locales_and_keys_fall_back_to_english(catalog: Catalog) -> None:
    assert catalog.text("fr", "learn.snoozed", until="2026-12-09") == (
        "Snoozed until December 9, 2026.")


def test_every_key_is_in_both_languages_with_the_same_placeholders(catalog: Catalog) -> None:
    en, es = catalog.texts["en"], catalog.texts["es"]
    assert set(en) == set(es)
    for key in en:
        assert placeholders(parse_template(en[key])) == placeholders(parse_template(es[key])), key
    assert check_texts(catalog.texts, {}) == []


def test_no_text_is_left_with_a_made_up_plural(catalog: Catalog) -> None:
    for loc, table in catalog.texts.items():
        for key, text in table.items():
            assert not re.search(r"\w\((s|es)\)|/a\b|/o\b|\(a\)", text), (loc, key, text)


@pytest.mark.parametrize(("es_text", "problem"), [
    ("{n, plural, one {# cosa} few {# cosas} other {# cosas}}", "plural form(s) few do not exist"),
    ("{n, plural, one {# cosa}}", "needs an 'other' form"),
    ("{n} cosas {", "is not closed"),
    ("{count} cosas", "placeholders {count} differ from English {n, plural}"),
    ("{n, date, tomorrow}", "the style is one of short, medium, long, full"),
])
def test_broken_texts_are_reported_with_their_file_and_line(es_text: str, problem: str) -> None:
    texts = {"en": {"k": "{n, plural, one {# thing} other {# things}}"}, "es": {"k": es_text}}
    found = check_texts(texts, {("es", "k"): 7})
    assert [str(p) for p in found] and all(str(p).startswith("prompts/i18n/es.yaml:7: k: ")
                                           for p in found)
    assert any(problem in str(p) for p in found), found


def test_a_key_missing_in_spanish_is_reported() -> None:
    found = check_texts({"en": {"a": "A", "b": "B"}, "es": {"a": "A"}}, {})
    assert [str(p) for p in found] == ["prompts/i18n/es.yaml:1: b: missing (English has it)"]


# Informal (tú) forms: pronouns and possessives, and the verb forms the texts once used.
INFORMAL = re.compile(
    r"\b(tú|tu|tus|te|ti|contigo|eres|estás|tienes|puedes|quieres|crees|deberías|sabes|"
    r"necesitas|saliste|respondiste|inscribiste|apoyas|vuelvas|comuniques|pídele|pídeselo|"
    r"avísame)\b", re.IGNORECASE)


def _spanish(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _spanish(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "es":
                yield where, " ".join(item) if isinstance(item, list | tuple) else str(item)
            else:
                yield from _spanish(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _spanish(item, f"{where}[{i}]")


def spanish_texts() -> list[tuple[str, str]]:
    content = load_content()
    out = [(f"i18n/es.yaml {key}", text) for key, text in load_catalog().texts["es"].items()]
    for kind in ("rounds", "tracks", "mentorship"):
        for item_id, item in getattr(content, kind).items():
            out += list(_spanish(item, f"{kind}/{item_id}"))
    return out


def test_spanish_texts_use_usted_never_tu() -> None:
    texts = spanish_texts()
    assert len(texts) > 400  # the interface, every round, track and mentorship text
    informal = [(where, m.group(0)) for where, text in texts for m in INFORMAL.finditer(text)]
    assert informal == []


def test_the_informal_lint_catches_informal_spanish() -> None:
    assert INFORMAL.search("Tu enlace se comunicará contigo.")
    assert INFORMAL.search("Si crees que deberías poder, pídeselo a un administrador.")
    assert not INFORMAL.search("Su enlace se comunicará con usted.")


def test_spanish_help_names_spanish_commands_that_map_to_english_ones(catalog: Catalog) -> None:
    es_help = " ".join(catalog.texts["es"][k] for k in ("help.staff", "help.chair", "help.admin"))
    en_help = " ".join(catalog.texts["en"][k] for k in ("help.staff", "help.chair", "help.admin"))
    english = set(re.findall(r"(?<!\w)/([a-z]+)", en_help))
    named = set(re.findall(r"(?<!\w)/([a-zñí]+)", es_help))
    assert {"privacidad", "resultados", "encuesta", "temas", "aprender", "mentoria"} <= named
    for name in named:
        assert canonical_command(name) in english, name
    # help is typed as a word ("help", "ayuda"): Slack would take "/help" for a command of its
    # own (tests/test_slack_convert.py checks every /name a text gives is registered there)
    assert "\nayuda — " in es_help and "\nhelp — " in en_help
    assert set(COMMAND_ALIASES.values()) <= english | {"help"}
    assert canonical_command("/Ayuda") == "help" and canonical_command("mentoría") == "mentor"
    assert canonical_command("pulse") == "pulse"


# What front-line staff read: the survey, its receipt, home, learning, their mentorship pair,
# the share-back. The Spanish help lists /encuesta, /privacidad, /aprender, /mentoria and
# /resultados, so these texts point to the same names (help.staff itself also lists the English
# ones on purpose).
STAFF_TEXTS = ("pulse.", "home.", "privacy", "learn.", "mentor.notice.paired", "mentor.paused",
               "mentor.h.", "mentor.already_member", "mentor.check.", "loop.share.",
               "loop.update.", "loop.results", "mentor.usage")
ENGLISH_COMMAND = re.compile(r"(?<!\w)/(pulse|privacy|results|learn|mentor|themes)\b")


def test_spanish_staff_texts_name_the_spanish_commands(catalog: Catalog) -> None:
    es = catalog.texts["es"]
    staff = {k: v for k, v in es.items() if k.startswith(STAFF_TEXTS)
             and k != "pulse.closed_notice"}  # (the chairs' note after a round closes)
    assert len(staff) > 60
    english = {k: m.group(0) for k, v in staff.items() for m in [ENGLISH_COMMAND.search(v)] if m}
    assert english == {}
    assert "Escriba /privacidad para ver la explicación completa." in es["pulse.receipt"]
