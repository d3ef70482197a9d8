"""A Spanish-speaking committee chair (roster locale `es`) walks the loop: /temas, commitments,
the share-back. Every hint names the commands the Spanish help teaches (/encuesta, never
/pulse), the words a chair types back (pregunta=, tema=, estado, enviar, mantener) are
accepted, and statuses read as Spanish ("ahora está en marcha", "está cerrada"), on the
console as Slack shows it (the chart's file title)."""

from __future__ import annotations

import pytest

from adapters.slack.convert import chart_upload
from bot.clock import FakeClock
from conversations.messages import Message
from tests.support import Console, FakeOutward, in_memory
from tests.test_loop_words import speaks_spanish
from tests.test_shareback_change import LT, answered


@pytest.fixture
async def chair(clock: FakeClock) -> tuple[FakeOutward, Console]:
    """listening-tour answered by ten people and closed; jordan (the chair) reads Spanish."""
    app = await in_memory(clock)
    console = Console(app, clock)
    await answered(console, LT, f"/pulse start {LT}", lambda i: ("2", "4", "4"))
    await speaks_spanish(app, "jordan")
    return app, console


async def test_commitment_and_share_hints_teach_the_spanish_command(
        chair: tuple[FakeOutward, Console]) -> None:
    _, console = chair
    out = await console.say(f"/encuesta commit {LT} Tiempo pagado para la formación")
    # was "Actualícelo con /pulse commit ... /pulse share ... muestra la devolución"
    assert (f"Actualícelo con /encuesta commit {LT} 1 iniciado|hecho|descartado [nota]. "
            f"/encuesta share {LT} muestra la devolución antes de enviarla.") in out
    out = await console.say(f"/encuesta share {LT}")
    assert f"Envíela con /encuesta share {LT} enviar: llega una sola vez" in out
    out = await console.say("/encuesta commit", "/encuesta share", "/encuesta nada")
    assert "Uso: /encuesta commit RONDA TEXTO" in out
    assert "Uso: /encuesta share RONDA (vista previa) · /encuesta share RONDA enviar" in out
    assert "presidencias: /encuesta commit RONDA TEXTO, /encuesta share RONDA [enviar]." in out
    out = await console.say(f"/encuesta share {LT} enviar", ":clock +7d")
    assert "Enviada: la devolución" in out
    await answered(console, "lt-2", f"/pulse start {LT} as lt-2", lambda i: ("2", "4", "4"),
                   lambda i: ["4"])
    out = await console.say("/encuesta commit lt-2 mantener 1", "/temas nada")
    assert "/encuesta share lt-2 muestra la devolución antes de enviarla." in out
    assert "/encuesta status muestra las rondas." in out
    assert "/pulse" not in out


async def test_statuses_read_in_spanish_and_spanish_subcommands_work(
        chair: tuple[FakeOutward, Console]) -> None:
    app, console = chair
    await console.say(f"/encuesta compromiso {LT} Intérpretes en la hora del cuento")
    out = await console.say(f"/encuesta commit {LT} 1 iniciado Dos contratados")
    # was "ahora está en estado en marcha"
    assert f"El compromiso 1 de {LT} ahora está en marcha. Se enviará con la devolución." in out
    out = await console.say(f"/encuesta commit {LT} 1 en marcha Dos contratados")
    assert f"El compromiso 1 de {LT} ya está en marcha." in out
    out = await console.say("/encuesta estado")
    assert f"{LT} (Gira de escucha sobre equidad): cerrada el" in out
    out = await console.say(f"/encuesta compartir {LT}")
    assert "Vista previa" in out and "Intérpretes en la hora del cuento — en marcha" in out
    # an admin reading Spanish: the round's status in Spanish, not "está en estado closed"
    await speaks_spanish(app, "amara")
    out = await console.say(":as amara", f"/encuesta pause {LT}", f"/encuesta resume {LT}")
    assert f"{LT} está cerrada, no abierta." in out
    assert f"{LT} está cerrada, no en pausa." in out
    assert "closed" not in out and "en estado" not in out


async def test_temas_takes_the_spanish_words_its_help_teaches(
        chair: tuple[FakeOutward, Console]) -> None:
    _, console = chair
    out = await console.say("/ayuda")
    assert ("/temas RONDA sucursal=NOMBRE (o puesto=NOMBRE, jornada=completa o parcial) — un "
            "grupo; pregunta=ID — una pregunta en detalle; tema=N — de qué se compone el tema N"
            ) in out
    out = await console.say(f"/temas {LT} pregunta=strengths")
    assert "Fortalezas: 10 comentarios en 1 tema" in out
    assert "no es un grupo" not in out
    out = await console.say(f"/temas {LT} pregunta=strengths tema=1")
    assert "Este tema no tiene subtemas" in out
    out = await console.say(f"/temas {LT} pregunta=strengths tema=7")
    # was "(vea /temas listening-tour question=strengths)"
    assert f"los temas van del 1 al 1 (vea /temas {LT} pregunta=strengths)." in out
    out = await console.say(f"/temas {LT} tema=uno", f"/temas {LT} grupo=Central")
    assert "tema= lleva el número de un tema de la lista, por ejemplo tema=2." in out
    assert "Los grupos son sucursal=NOMBRE, puesto=NOMBRE y jornada=completa o parcial" in out
    # the English words still work for everyone
    out = await console.say(f"/themes {LT} question=strengths theme=7")
    assert f"(vea /temas {LT} pregunta=strengths)" in out


def test_slack_names_the_chart_file_in_the_chairs_language() -> None:
    m = Message("*Gira de escucha* (listening-tour, cerrada) · todas las personas",
                chart=(("Formación", 0.5), ("Personal", 0.25)),
                chart_title="Temas de todos los comentarios (porcentaje de comentarios)")
    upload = chart_upload(m)
    assert upload is not None
    # was "Theme shares — Gira de escucha ..."
    assert upload["title"] == ("Temas de todos los comentarios (porcentaje de comentarios) — "
                               "Gira de escucha (listening-tour, cerrada) · todas las personas")
    assert "Theme shares" not in upload["title"] + upload["alt_txt"]
