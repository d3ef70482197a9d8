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
    assert "¿podemos incluir su sucursal y su puesto (Central, Page, jornada parcial)" in out
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
