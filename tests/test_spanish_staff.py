"""Outward as a Spanish-speaking front-line staff member reads it (Luis and Rosa in the sample
organisation read Spanish): the survey from invitation to receipt, the commands they are told
to type, the dates they are shown, and the Slack and Teams surfaces (modal, card) around them."""

from __future__ import annotations

from bot.clock import FakeClock
from tests.support import Console, FakeOutward


async def start_survey(console: Console) -> str:
    await console.say("/pulse start listening-tour", ":clock 09:30")
    return await console.say(":as luis", "1")


async def test_consent_and_receipt_name_part_time_in_spanish_words(
    app: FakeOutward, console: Console
) -> None:
    out = await start_survey(console)
    assert "escriba parar para hacer una pausa y /encuesta para continuar" in out
    assert "¿podemos incluir su sucursal, su puesto y su jornada (Central, Page, jornada parcial)" \
        in out
    assert "PT)" not in out
    out = await console.say("sí", *["omitir"] * 9)
    assert "Gracias, eso es todo." in out and "No se guardó nada" in out
    assert "Escriba /privacidad para ver la explicación completa." in out


async def test_a_round_closed_early_says_the_day_it_closed(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    out = await start_survey(console)
    assert "hasta el 3 de diciembre de 2026" in out  # the planned last day
    await console.say("parar", ":as amara", "/pulse close listening-tour")
    out = await console.say(":as luis", "1")  # Continuar, on the paused survey
    assert "Esta encuesta se cerró el 24 de noviembre de 2026." in out, out
    assert "se cerró el 3 de diciembre" not in out


async def test_luis_answers_in_slack_entirely_in_spanish(sqlite_url: str, clock: FakeClock) -> None:
    """Notification text, buttons, the answer modal (title, label, send button) and the
    App Home: everything Luis meets in Slack is Spanish."""
    from tests.slack_mock import buttons, harness

    luis, dm = "U0LUIS", "D0LUIS"
    async with harness(sqlite_url, clock) as slack:
        await slack.command("U0AMARA", "/pulse", "start listening-tour")
        await slack.settle()
        await slack.app.tick()
        invite = slack.mock.posts_to(dm)[-1]
        assert invite.args["text"].startswith("Hola, Luis. Gira de escucha sobre equidad")
        assert buttons(invite) == ["Empezar", "Ahora no", "¿Qué pasa con mis respuestas?"]
        await slack.press(luis, invite, "Empezar")
        await slack.settle()
        consent = slack.mock.posts_to(dm)[-1]
        assert "(Central, Page, jornada parcial)" in consent.args["text"]
        await slack.press(luis, consent, "Sí, incluirlos")
        await slack.settle()
        question = slack.mock.posts_to(dm)[-1]
        assert question.args["text"].startswith("Pregunta 1 de 8\n")
        assert buttons(question) == ["✏️ Su respuesta", "Omitir", "Atrás", "Parar por ahora"]
        await slack.press(luis, question, "Su respuesta")
        await slack.settle()
        view = slack.mock.of("views.open")[-1].args["view"]
        assert view["title"]["text"] == "Su respuesta"
        assert view["submit"]["text"] == "Enviar"
        assert [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"] == [
            "Su respuesta"]
        await slack.event({"type": "app_home_opened", "user": luis, "channel": dm,
                           "tab": "home", "event_ts": "1.2"})
        await slack.settle()
        home = slack.mock.of("views.publish")[-1].args["view"]
        shown = [b["text"]["text"] for b in home["blocks"] if b["type"] == "section"]
        assert shown[0].startswith("*Gira de escucha sobre equidad* está abierta para usted")
        assert shown[1].startswith("*Qué pasa con sus respuestas*")


async def test_luis_answers_in_teams_in_spanish_whatever_the_client_language(
    sqlite_url: str, clock: FakeClock
) -> None:
    """Teams reports Luis's client as en-US; his roster language is Spanish, and the card's
    send button follows the card (not "Send" under a Spanish question)."""
    from adapters.teams.convert import card_actions
    from tests.teams_mock import TeamsHarness

    teams = await TeamsHarness.start(sqlite_url, clock)
    try:
        await teams.install("amara")
        await teams.install("luis")
        await teams.say("amara", "pulse start listening-tour")
        await teams.app.tick()
        invite = teams.open_card("luis")
        assert invite["fallbackText"].startswith("Hola, Luis. Gira de escucha sobre equidad")
        out = await teams.press("luis", "Empezar")
        out += await teams.press("luis", "Sí, incluirlos")
        assert "Pregunta 1 de 8" in out
        card = teams.open_card("luis")
        assert [a["title"] for a in card_actions(card)] == [
            "Enviar", "Omitir", "Atrás", "Parar por ahora"]
        assert [i["label"] for i in card["body"] if i["type"] == "Input.Text"] == ["Su respuesta"]
        out = await teams.submit("luis", "La hora del cuento en español se llena")
        assert "✓ Pregunta 1: su comentario" in out and "Pregunta 2 de 8" in out
    finally:
        await teams.close()


async def test_rosa_meets_her_mentor_pair_in_spanish(app: FakeOutward, console: Console) -> None:
    from tests.test_mentorship_console import answer, make_cohort

    out = await make_cohort(console)
    assert ("(to rosa) Usted está en la cohorte de mentoría lib: su mentor es Mei Tanaka (@mei)."
            in out)
    assert ("/mentoria historial muestra el historial de su pareja y /mentoria pausar los pausa."
            in out)
    out = await answer(console, "rosa", "/mentoria")  # what the help promises: her pair
    assert "lib con Mei Tanaka (activa)" in out
    assert "Todavía no hay seguimientos." in out and "/mentoria create" not in out
    await console.say(":clock +14d")
    out = await answer(console, "rosa", "Sí, nos reunimos", "4", "Metas", "No, todo bien")
    assert "es hora del seguimiento de mentoría con su mentor, Mei Tanaka" in out
    assert "¿Qué tan útil fue, de 1 (nada) a 5 (mucho)?" in out
    assert "Gracias, su seguimiento quedó guardado. Próximo seguimiento:" in out
    out = await answer(console, "rosa", "/mentoria")
    assert "8 dic 2026: usted: se reunieron, 4/5, Metas · Mei: aún sin respuesta (abierto" in out
    out = await answer(console, "rosa", "/mentoria pause")
    assert "Escriba /mentoria reanudar cuando vuelva." in out
    # someone in no pair still gets the usage
    out = await answer(console, "luis", "/mentoria")
    assert out.count("Uso: /mentoria unirse COHORTE") == 1


async def test_continuing_a_paused_survey_says_it_continues(
    app: FakeOutward, console: Console
) -> None:
    await start_survey(console)
    out = await console.say("sí", "parar")
    assert "En pausa. Su lugar se guarda hasta el 3 de diciembre de 2026" in out
    out = await console.say("1")  # Continuar
    assert "↳ Continuamos." in out and "Empezamos" not in out
    assert "Le damos la bienvenida de nuevo; aquí está donde se quedó." in out
    assert "Pregunta 1 de 8" in out


async def test_the_learning_tracks_say_how_many_steps_and_which_command_joins(
    app: FakeOutward, console: Console
) -> None:
    out = await console.say(":as luis", "/aprender")
    assert "• bias-basics: Notar el sesgo implícito (7 pasos)" in out
    assert "Únase a una con /aprender unirse RUTA (por ejemplo /aprender unirse bias-basics)" in out
    out = await console.say("/aprender unirse bias-basics", "/aprender salir bias-basics")
    assert "Ahora participa en Notar el sesgo implícito." in out
    assert "/aprender unirse bias-basics la retoma." in out
    out = await console.say(":as dana", "/learn")
    assert "• bias-basics: Noticing implicit bias (7 steps)" in out


def test_spanish_texts_address_the_reader_without_assuming_a_gender() -> None:
    """Usted takes "le" (identificarle, le esperará), as the other texts do, not "lo"."""
    from prompts.catalog import load_catalog

    es = load_catalog().texts["es"]
    assert es["pulse.receipt.too_few"].endswith("así que podrían identificarle.")
    assert es["mentor.left"].endswith("así que nadie le esperará.")
    staff = " ".join(v for k, v in es.items() if k.startswith(("pulse.", "mentor.", "learn.")))
    assert " lo identificar" not in staff and "nadie lo " not in staff
