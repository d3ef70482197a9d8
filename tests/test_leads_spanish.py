"""Spanish-speaking programme leads: /aprender and /mentoria in the words they read and type
back (roster locale `es`), through the real console adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import Console, FakeOutward
from tests.test_loop_words import speaks_spanish

# a cohort sheet a Spanish-speaking lead fills in: Spanish roles and days, a person twice, a
# handle not on the roster, "y" between two days (a day word; "tarde" is not)
COHORTE = """handle,role,goals,availability,manager,priority,prefers
mei,mentor,"examen; servicios bilingües",mar;jue,amara,,
grace,mentora,"entrevistas; liderazgo",lun;mié;jue,will,,
fatima,mentee,"entrevistas; liderazgo",lunes;miércoles,noah,,
rosa,mentoreada,"examen de servicio civil",mar;jue,tom,,mei
kwame,mentee,"gestión",lun y mié tarde,mei,,grace
kwame,mentor,,,,,
tom,mentor,"gestión",miérc;vier,will,,
aiyana,enlace,,,,,
zoe,mentee,,mar,,,
sam,mentorr,,lun,,,
"""


@pytest.fixture
async def lead(app: FakeOutward, console: Console, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Console:
    """Amara (admin) and Jordan (chair) read Spanish; cohorte.csv is in the working folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cohorte.csv").write_text(COHORTE, "utf-8")
    (tmp_path / "cohorte-win.csv").write_bytes(COHORTE.encode("cp1252"))
    for handle in ("amara", "jordan"):
        await speaks_spanish(app, handle)
    return console


async def test_a_spanish_learning_lead_enrols_in_spanish_words(lead: Console) -> None:
    out = await lead.say(":as amara", "/aprender ayuda")
    assert ("Uso: /aprender (sus rutas) · /aprender unirse RUTA · /aprender salir RUTA · "
            "administración: /aprender inscribir RUTA todos|sucursal=VALOR|@usuario · "
            "/aprender estadisticas [RUTA]") in out
    assert "everyone" not in out and "branch=" not in out and " join " not in out
    out = await lead.say("/aprender estadisticas")
    assert "Inscriba a personas con /aprender inscribir RUTA todos (o sucursal=VALOR" in out
    out = await lead.say("/aprender inscribir bias-basics sucursal=Central")
    assert "Se inscribieron 5 personas en Notar el sesgo implícito" in out
    assert "(to jordan) Amara Okafor le inscribió" in out and "/aprender salir bias-basics" in out
    out = await lead.say("/aprender inscribir bias-basics jornada=parcial")  # dana, luis + 3
    assert "Se inscribieron 3 personas en Notar el sesgo implícito (2 ya estaban inscritas)" in out
    out = await lead.say("/aprender inscribir allyship todos")
    assert "Se inscribieron 14 personas en La solidaridad en acción" in out
    out = await lead.say("/aprender inscribir allyship planeta=Marte")
    assert ("Uso: /aprender inscribir RUTA todos | sucursal=VALOR | puesto=VALOR | "
            "jornada=completa|parcial | @usuario") in out
    out = await lead.say("/aprender estadisticas allyship")
    assert "La solidaridad en acción: 14 personas inscritas" in out
    # a fresh join does not read like "already in it"
    out = await lead.say(":as luis", "/aprender unirse microaggressions")
    assert "Ahora participa en" in out and "Ya participa" not in out


async def test_english_words_keep_working_for_every_lead(lead: Console) -> None:
    out = await lead.say(":as dana", "/learn xyz")
    assert "/learn join TRACK" in out and "/learn enrol TRACK everyone" in out
    out = await lead.say(":as amara", "/learn enrol bias-basics everyone")
    assert "Se inscribieron 14 personas" in out  # Amara reads Spanish, may type English
    out = await lead.say("/learn stats bias-basics")
    assert "Notar el sesgo implícito: 14 personas inscritas" in out


async def test_a_spanish_mentorship_lead_imports_a_messy_sheet_and_reads_spanish(
        lead: Console) -> None:
    out = await lead.say(":as amara",
                         "/mentoria crear library lib inicio=2026-11-24 semanas=12 "
                         "responsable=jordan")
    assert "Se creó la cohorte lib de library" in out
    assert "Siguiente paso: /mentoria importar lib ARCHIVO.csv" in out
    out = await lead.say("/mentoria importar lib cohorte-win.csv")
    assert "no está guardado como texto UTF-8" in out and "Guardar como" in out
    out = await lead.say("/mentoria importar lib cohorte.csv")
    # mentora, mentoreada and enlace are roles; the problems are in Spanish, by line
    assert "Se importó en lib: 3 personas mentoreadas, 3 mentores, 1 enlace." in out
    assert "• línea 7: kwame aparece dos veces; se importó la línea 6" in out
    assert ("• línea 10: zoe no está en la lista de personal (agréguele primero con "
            "python -m bot roster import)") in out
    assert ("• línea 11: sam: el rol debe ser mentee (persona mentoreada), mentor (o mentora) "
            "o liaison (enlace), no «mentorr» (¿quiso decir mentor?)") in out
    assert "escriba días como lun;jue en la columna availability" in out
    assert "• línea 6: kwame: «tarde» en la disponibilidad no es un día de la semana" in out
    for english in ("line ", "is listed twice", "not on the roster", "role must be",
                    "not a day of the week", "mon;thu"):
        assert english not in out, english
    out = await lead.say("/mentoria proponer lib")
    assert "(persona mentoreada → mentor, enlace)" in out
    assert "Confirme con /mentoria confirmar lib" in out
    out = await lead.say("/mentoria confirmar lib")
    assert "Se confirmaron 3 parejas en lib" in out
    out = await lead.say(":as jordan", "/mentoria estadisticas lib")
    assert "lib (library): 3 parejas activas" in out
    out = await lead.say("/mentoria historial")
    assert "Usted no está en una pareja de mentoría" in out
    out = await lead.say("/mentoria terminar lib")
    assert "Se terminó la cohorte lib: sus 3 parejas terminaron" in out
    assert "/mentoria historial" in out and "/mentoria opinion lib" in out
    out = await lead.say("/mentoria terminar lib")
    assert "La cohorte lib ya terminó." in out


async def test_the_mentoria_usage_names_spanish_subcommands(lead: Console) -> None:
    out = await lead.say(":as amara", "/mentoria")
    for word in ("unirse", "pausar", "reanudar", "salir", "historial", "parejas",
                 "estadisticas", "terminar", "crear", "importar", "proponer", "emparejar",
                 "confirmar"):
        assert f"/mentoria {word}" in out, word
    assert "/mentoria import " not in out and "/mentoria history" not in out
    # and a member joins in Spanish words
    out = await lead.say("/mentoria crear library c2 inicio=2026-12-01 semanas=8",
                         ":as luis", '/mentoria unirse c2 mentoreada metas="liderazgo"')
    assert "Usted se inscribió en c2 como persona mentoreada." in out


async def test_english_leads_read_the_import_as_before(
        app: FakeOutward, console: Console, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cohorte.csv").write_text(COHORTE, "utf-8")
    out = await console.say("/mentor create library lib start=2026-11-24 weeks=12",
                            "/mentor import lib cohorte.csv")
    assert "• line 7: kwame is listed twice; line 6 is the one imported" in out
    assert "• line 10: zoe is not on the roster (add them with python -m bot roster import first)" \
        in out
    assert ("• line 11: sam: role must be mentee, mentor or liaison, not 'mentorr' "
            "(did you mean mentor?)") in out
    assert "• line 6: kwame: availability 'tarde' is not a day of the week" in out


async def test_an_english_speaker_typing_a_spanish_word_reads_english(console: Console) -> None:
    # was "Only Outward admins can crear mentorship cohorts."
    out = await console.say(":as jordan", "/mentoria crear x")
    assert "Only Outward admins can create mentorship cohorts." in out
    assert "crear" not in out
