"""Codebook themes in the reader's language: the bundled codebook names each theme in English
and Spanish, and every reader sees it in their own (a chair's /themes and report, each staff
member's share-back and /results), from live comments, from comments retention purged (by the
code kept beside the name, or by the English name for rows purged before codes were kept),
and from share-backs stored before codes were kept. Themes named from the comments' own words
stay as written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.console.adapter import address_for as console_address
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.results.model import Summary
from conversations.results.retention import Retention
from conversations.results.summary import Summaries
from conversations.results.thresholds import WHOLE
from storage.themes import load_codebook
from tests.summaries_support import big_org
from tests.support import Console
from tests.test_summaries import closed_round

EN, ES = "Workload & staffing", "Carga de trabajo y personal"
WORK = ["We are short staffed and the workload keeps growing, overtime every week",
        "The workload is too heavy, we are understaffed on every shift",
        "Short staffed again: burnout from the workload and overtime",
        "Understaffed shifts, the workload and overtime are wearing everyone out"]
PAY = ["Pay is too low, the salary does not cover the cost of living",
       "Our salary and benefits are below other counties, pay equity matters",
       "Better pay please: wages and benefits have not kept up with the cost of living",
       "Low pay, no raise in years, and the salary scale is unfair"]


async def answer_with(app: object, handle: str, comment: str) -> None:
    """A submission whose two open answers are both `comment`."""
    a = console_address(handle)
    router = app.router  # type: ignore[attr-defined]
    for line in ["/pulse", "yes", comment, comment, "skip", "skip", "3", "skip", "3", "skip",
                 "3", "Training and learning"]:
        replies = await router(TextReceived(a, line))
    assert "Thank you" in replies[-1].text, replies[-1].text


async def speaks_spanish(app: object, handle: str) -> None:
    async with app.deps.uow() as tx:  # type: ignore[attr-defined]
        person = await tx.people.by_handle(handle)
        assert person is not None
        person.locale = "es"
        await tx.commit()


def test_every_bundled_codebook_theme_has_a_spanish_name() -> None:
    from importlib import resources

    path = resources.files("prompts").joinpath("codebooks/workplace.yaml")
    codebook = load_codebook(str(path))
    for theme in codebook.themes:
        names = dict(theme.names)
        assert names.get("en") == theme.name and names.get("es"), theme.code
        assert names["es"] != theme.name or theme.code in ("safety",), theme.code
    assert dict(codebook.themes[0].names)["es"] == ES


async def test_chairs_and_staff_read_codebook_themes_in_their_language(
        tmp_path: Path, clock: FakeClock) -> None:
    app = await big_org(tmp_path, clock)
    try:
        console = Console(app, clock)
        await closed_round(app, clock, console)
        out = await console.say(":as jordan", "/themes listening-tour")
        assert EN in out and ES not in out
        await speaks_spanish(app, "jordan")
        out = await console.say("/temas listening-tour")
        assert ES in out and "Apoyo de la dirección" in out
        assert EN not in out and "Management support" not in out
        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get("listening-tour")
            assert rnd is not None
            spanish = await app.reports.html(tx, rnd, "es")
            english = await app.reports.html(tx, rnd, "en")
            await tx.commit()
        assert isinstance(spanish, str) and isinstance(english, str)
        assert ES in spanish and EN.replace("&", "&amp;") not in spanish
        assert EN.replace("&", "&amp;") in english

        # the share-back: the same stored headline, each reader's own names
        await console.say("/pulse commit listening-tour Two more desk staff at Central",
                          "/pulse share listening-tour enviar")
        stored = app.db.sharebacks["listening-tour"].headline
        assert {"label": EN, "code": "workload"} in [
            {k: t[k] for k in ("label", "code")} for t in stored["themes"]]
        out = await console.say(":as luis", "/resultados listening-tour")
        assert "Ustedes lo dijeron" in out and f"• {ES} (" in out and EN not in out
        out = await console.say(":as dana", "/results listening-tour")
        assert f"• {EN} (" in out and ES not in out
        # a share-back stored before codes were kept: named by its English name
        for t in stored["themes"]:
            t.pop("code")
        out = await console.say(":as luis", "/resultados listening-tour")
        assert f"• {ES} (" in out and EN not in out
    finally:
        await app.close()


async def test_purged_comments_keep_the_code_and_old_rows_still_read(
        tmp_path: Path, clock: FakeClock) -> None:
    app = await big_org(tmp_path, clock)
    try:
        console = Console(app, clock)
        await console.say("/pulse start listening-tour")
        for i in range(24):  # two topics, each question's comments themed at retention
            await answer_with(app, f"p{i}", WORK[i % 4] if i % 2 else PAY[i % 4])
        await console.say("/pulse close listening-tour")
        clock.advance(timedelta(days=31))
        assert await Retention(app.deps, days=30).purge() == ["listening-tour"]
        kept = [r for r in app.db.responses.values() if r.theme is not None]
        assert {r.theme_code for r in kept if r.theme == EN} == {"workload"}
        # themes named from the comments' words (and "other") keep no code
        names = {t["en"] for t in app.deps.theme_names.values()}
        assert all(r.theme_code is None for r in kept if r.theme not in names)
        await speaks_spanish(app, "jordan")
        out = await console.say(":as jordan", "/temas listening-tour")
        assert ES in out and EN not in out and "    > " not in out
        # rows purged before the code was kept: the English name is looked up (a new
        # process: nothing kept from the summaries above)
        for r in kept:
            r.theme_code = None
        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get("listening-tour")
            assert rnd is not None
            summary = await Summaries(app.deps).build(tx, rnd, WHOLE, "es")
        assert isinstance(summary, Summary)
        labels = [t.label for t in summary.overall.themes]
        assert ES in labels and EN not in labels
    finally:
        await app.close()
