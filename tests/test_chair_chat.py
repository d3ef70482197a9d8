"""A committee chair reading a closed round in chat, as a chair and not a statistician: plain
words for how themes were found and what each number counts, groups named as people say them,
refusals that say what to do instead (never a count), and mistyped or hostile arguments
answered with a clear message. English and Spanish."""

from __future__ import annotations

import re
from html import unescape

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from conversations.events import TextReceived
from tests.results_support import ROUND, report_html, tour_fixture

tour = tour_fixture(60)


async def chat(app: Core, text: str, handle: str = "jordan") -> str:
    replies = await app.router(TextReceived(address_for(handle), text))
    return "\n".join(m.text for m in replies)


async def speaks_spanish(app: Core, handle: str = "jordan") -> None:
    async with app.deps.uow() as tx:
        person = await tx.people.by_handle(handle)
        assert person is not None
        person.locale = "es"
        await tx.commit()


async def test_the_summary_says_in_plain_words_how_themes_were_found_and_what_counts(
        tour: Core) -> None:
    """"Themes found by the TF-IDF engine" and "average 2.5 (n=60)" told a chair nothing; the
    chat now says what the report says."""
    out = await chat(tour, f"/themes {ROUND}")
    how = ("Themes were found by grouping comments that use the same words, and named from a "
           "list of workplace topics where one fits.")
    assert how in out.splitlines()
    assert how in unescape(await report_html(tour))  # the same sentence in the report
    assert "TF-IDF" not in out and "engine" not in out and "n=" not in out
    ratings = re.findall(r"^• .+: average \d\.\d \((\d+) answers\) · disagree", out, re.M)
    assert len(ratings) == 3 and all(int(n) >= 5 for n in ratings), out


async def test_a_spanish_chair_reads_numbers_groups_and_refusals_in_spanish(tour: Core) -> None:
    await speaks_spanish(tour)
    out = await chat(tour, f"/temas {ROUND}")
    assert "Los temas se encontraron agrupando los comentarios" in out
    # Babel's decimal comma, and what the number counts
    assert re.search(r"promedio \d,\d \(\d+ respuestas\)", out), out
    assert not re.search(r"promedio \d\.\d", out) and "n=" not in out
    group = await chat(tour, f"/temas {ROUND} sucursal=Eastside")
    assert group.splitlines()[0].endswith("· sucursal Eastside"), group
    refused = await chat(tour, f"/temas {ROUND} branch=Nowhere")
    assert refused.startswith("No se muestra: el grupo «sucursal Nowhere» tiene muy pocas"), \
        refused
    assert refused.endswith(f"/temas {ROUND}")
    typo = await chat(tour, "/temas listeningtour")
    assert f"¿Quiso decir {ROUND}? Escriba /temas {ROUND}" in typo


async def test_groups_are_named_as_people_say_them_and_the_same_group_however_typed(
        tour: Core) -> None:
    """"· branch=Eastside" and "employment=PT" were the command's syntax, not a group's name.
    Typing the group another way (Spanish words, "part-time", lower case) is the same group:
    the same view, never a new one to compare."""
    first = await chat(tour, f"/themes {ROUND} branch=Eastside")
    assert first.splitlines()[0].endswith("· Eastside branch"), first
    assert "branch=" not in first
    for other in ("sucursal=Eastside", "branch=eastside", "BRANCH=Eastside"):
        again = await chat(tour, f"/themes {ROUND} {other}")
        assert again.split("\n", 1)[1] == first.split("\n", 1)[1], other
    part_time = await chat(tour, f"/themes {ROUND} employment=part-time")
    assert await chat(tour, f"/themes {ROUND} jornada=parcial") == part_time
    assert await chat(tour, f"/themes {ROUND} employment=PT") == part_time
    assert part_time.splitlines()[0].endswith("· part-time staff"), part_time


async def test_a_refusal_names_the_group_says_what_to_do_and_reveals_no_count(
        tour: Core) -> None:
    for args in ("branch=Nowhere", "branch=Hillcrest", "classification=Librarian",
                 "employment=FT"):
        out = await chat(tour, f"/themes {ROUND} {args}")
        if not out.startswith("Not shown"):
            continue  # this group passes the checks
        assert "=" not in out.split(f"/themes {ROUND}")[0], out  # the group in words
        assert out.endswith(f"/themes {ROUND}"), out  # where to go instead
        # the only number a refusal carries is the minimum (the round's threshold)
        assert re.sub(r"\(the minimum is 5\)", "", out).translate(
            str.maketrans("", "", "0123456789")) == re.sub(r"\(the minimum is 5\)", "", out), out
    nowhere = await chat(tour, f"/themes {ROUND} branch=Nowhere")
    assert nowhere == ("Not shown: the group “Nowhere branch” has too few people for their "
                       "answers to stay anonymous (the minimum is 5). Try a larger group, or the "
                       f"whole round: /themes {ROUND}")


async def test_mistyped_extra_and_hostile_arguments_get_a_clear_message(tour: Core) -> None:
    typo = await chat(tour, "/themes listeningtour")
    assert typo == (f"There is no round listeningtour with answers yet. Did you mean {ROUND}? "
                    f"Type /themes {ROUND}")
    nothing_near = await chat(tour, "/themes budget-2019")
    assert nothing_near.startswith("There is no round budget-2019") and "mean" not in nothing_near
    extra = await chat(tour, f"/themes {ROUND} please show me")
    assert extra.startswith("I didn't understand “please show me”."), extra
    long = await chat(tour, f"/themes {ROUND} " + "A" * 300)
    assert long.startswith("I didn't understand “AAAA") and len(long) < 400, long
    huge_round = await chat(tour, "/themes " + "x" * 300)
    assert huge_round.startswith("There is no round xxx") and len(huge_round) < 200
    key = await chat(tour, f"/themes {ROUND} dept=HR")
    assert key.startswith("“dept” is not a group I can show. Groups are branch=NAME"), key
    assert await chat(tour, f"/themes {ROUND} branch=Central classification=Page") == \
        "One group at a time, please (for example branch=Central)."
    for args in ("question=", "theme=abc", "theme=99999", "branch=", "=", "\"unclosed",
                 "question=strengths theme=0", "<!channel>", "branch=\u202eCentral"):
        out = await chat(tour, f"/themes {ROUND} {args}")
        assert out and "Traceback" not in out and "Sorry, something went wrong" not in out, args


async def test_help_lists_what_themes_takes_and_each_works(tour: Core) -> None:
    """Help said "/themes [ROUND] [segment=VALUE]", and "segment=" is refused."""
    help_text = await chat(tour, "/help")
    assert "segment=" not in help_text
    line = next(li for li in help_text.splitlines() if li.startswith("/themes ROUND"))
    for arg in ("branch=NAME", "classification=NAME", "employment=FT or PT", "question=ID",
                "theme=N"):
        assert arg in line, line
    for args in ("branch=Eastside", "employment=PT", "question=barriers", "theme=1"):
        out = await chat(tour, f"/themes {ROUND} {args}")
        assert out.startswith(("*Equity listening tour*", "Not shown: the group")), (args, out)
    await speaks_spanish(tour)
    ayuda = await chat(tour, "/ayuda")
    assert "segment=" not in ayuda and "sucursal=NOMBRE" in ayuda and "pregunta=ID" in ayuda


async def test_a_follow_up_is_shown_after_its_statement_without_the_typing_hint(
        tour: Core) -> None:
    out = await chat(tour, f"/themes {ROUND} question=training-time.why")
    assert ("Asked after “I have enough time during my paid hours to take part in equity "
            "training”: Why did you choose that?") in out.splitlines(), out
    assert "type skip" not in out and "optional" not in out
    page = unescape(await report_html(tour))
    assert ("Asked after “I have enough time during my paid hours to take part in equity "
            "training”: Why did you choose that?") in page


async def test_a_chair_types_back_the_status_words_they_read_in_english_and_spanish(
        tour: Core) -> None:
    """A chair reads "in progress" / "en marcha" / "cumplido" and typed them back: "is not a
    status", with a hint in English words only, for a Spanish chair."""
    out = await chat(tour, f"/pulse commit {ROUND} Paid time for equity training")
    assert out.startswith(f"Recorded commitment 1 for {ROUND}"), out
    out = await chat(tour, f"/pulse commit {ROUND} 1 in progress Budget approved")
    assert out.startswith(f"Commitment 1 of {ROUND} is now in progress."), out
    await speaks_spanish(tour)
    out = await chat(tour, f"/pulse commit {ROUND} 1 cumplido")
    assert out.startswith(f"El compromiso 1 de {ROUND} ahora está cumplido."), out
    out = await chat(tour, f"/pulse commit {ROUND} 1 en marcha Se contrató a dos personas")
    assert "ahora está en marcha" in out, out
    out = await chat(tour, f"/pulse commit {ROUND} 1 listo")
    assert out == (f"«listo» no es un estado válido. Use /encuesta commit {ROUND} 1 "
                   "iniciado|hecho|descartado [nota] (o previsto)."), out
    preview = await chat(tour, f"/encuesta share {ROUND}")
    assert "1. Paid time for equity training — en marcha" in preview, preview
    assert f"Envíela con /encuesta share {ROUND} enviar" in preview
    sent = await chat(tour, f"/encuesta share {ROUND} enviar")
    assert sent.startswith(f"Enviada: la devolución de {ROUND}"), sent


async def test_a_spanish_chair_is_pointed_to_the_spanish_command(tour: Core) -> None:
    await speaks_spanish(tour)
    out = await chat(tour, f"/temas {ROUND} theme=40")
    assert out.endswith(f"(vea /temas {ROUND}).") and "/themes" not in out, out
