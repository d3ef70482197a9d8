"""The mentorship programme end to end through the real console adapter and the real core
(on the in-memory storage; tests/test_mentorship_storage.py runs a cohort on both engines)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.support import Console, FakeOutward, in_memory

ERROR = "something went wrong"


async def make_cohort(console: Console, csv: str = "mentorship-cohort.csv", extra: str = "") -> str:
    out = await console.say(
        ":as amara",
        f"/mentor create library lib start=2026-11-24 weeks=12{extra}",
        f"/mentor import lib {csv}",
        "/mentor propose lib",
        "/mentor confirm lib",
    )
    assert ERROR not in out
    return out


async def answer(console: Console, handle: str, *presses: str) -> str:
    return await console.say(f":as {handle}", *presses)


MET_USEFUL = ("Yes, we met",)
NOT_MET = ("No, not this time", "No, all good")


def cohort_csv(tmp_path: Path, name: str, padding: int = 0) -> None:
    """The sample cohort as `name` in `tmp_path`, with `padding` comment lines after it."""
    sample = Path(__file__).resolve().parent.parent / "prompts/sample/mentorship-cohort.csv"
    (tmp_path / name).write_text(sample.read_text("utf-8") + "# padding\n" * padding, "utf-8")


def two_liaisons_csv(tmp_path: Path) -> str:
    sample = Path(__file__).resolve().parent.parent / "prompts/sample/mentorship-cohort.csv"
    path = tmp_path / "two-liaisons.csv"
    path.write_text(sample.read_text("utf-8") + "noah,liaison,,,,,\n", "utf-8")
    return path.name  # chat imports take a bare file name from the folder Outward runs in


# three pairs (the sample cohort has two, and no figure is ever shown for fewer than three
# people): fatima → grace, rosa → mei, kwame → tom
THREE_PAIRS = """handle,role,goals,availability,manager,priority,prefers
mei,mentor,"civil service exam; bilingual services",tue;thu,amara,,
grace,mentor,"mock interviews; leadership",mon;wed;thu,will,,
tom,mentor,"management; story time programming",mon;tue;wed;thu,will,,
fatima,mentee,"mock interviews; leadership",mon;thu,noah,,
rosa,mentee,"civil service exam; bilingual services",tue;thu,tom,,mei
kwame,mentee,"management; leadership",wed,mei,,tom
"""


@pytest.fixture
async def app_k3(clock: FakeClock, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOutward]:
    """The smallest threshold there is (3), with three-pairs.csv to import."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "three-pairs.csv").write_text(THREE_PAIRS, "utf-8")
    outward = await in_memory(clock, env={"OUTWARD_K_RESPONSES": "3"})
    yield outward
    await outward.close()


# ---- the "done when" ------------------------------------------------------------------


async def test_cohort_from_csv_checkins_escalation_milestones_and_stats(
    app: FakeOutward, console: Console
) -> None:
    out = await make_cohort(console, extra=" lead=jordan")
    assert "Imported into lib: 3 mentees, 2 mentors, 1 liaison" in out
    assert "• fatima → grace (liaison aiyana)" in out
    assert "• rosa → mei (liaison aiyana)" in out
    assert "Mentees without a mentor: kwame" in out  # odd numbers: listed for the admin
    assert "(to kwame) There is no mentorship match for you in lib yet" in out  # and told
    assert "(to fatima) You are in mentorship cohort lib: your mentor is Grace Kim" in out
    assert "(to aiyana) You are the liaison for Fatima Haddad and Grace Kim in lib" in out
    assert "(to fatima) Mentorship milestone with Grace Kim: Kick-off" in out
    assert "(to rosa) Hito de mentoría con Mei Tanaka: Inicio" in out  # Rosa reads Spanish

    # two weeks on, each side of each pair gets a check-in in their own window
    out = await console.say(":clock +14d")
    for handle in ("fatima", "grace", "rosa", "mei"):
        assert f"(to {handle}) H" in out
    assert "(to kwame)" not in out
    out = await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    assert "How useful was it" in out and "What did you work on?" in out
    assert "Thanks, your check-in is saved. Next check-in: December 22, 2026." in out
    out = await answer(console, "grace", "Yes, we met", "5", "Mock interview prep", "No, all good")
    assert "Usefulness: 5/5" in out and "Worked on: Mock interview prep" in out
    out = await answer(console, "rosa", "No, esta vez no", "No, todo bien")
    out += await answer(console, "mei", *NOT_MET)
    assert "(to aiyana)" not in out  # one missed meeting is not a stall

    # a second missed meeting in a row: the liaison hears, privately
    await console.say(":clock +14d")
    out = await answer(console, "mei", *NOT_MET)
    assert (
        "(to aiyana) The pair Rosa Delgado & Mei Tanaka (lib) has not met at two check-ins "
        "in a row" in out
    )
    out = await answer(console, "rosa", "No, esta vez no", "No, todo bien")
    assert "(to aiyana)" not in out  # one notice per stall, not one per answer
    out = await answer(console, "aiyana", "/mentor pairs")
    assert "Rosa Delgado & Mei Tanaka (lib): stalled, met at 0 of 2 check-ins" in out
    assert "Fatima Haddad & Grace Kim (lib): active, met at 1 of 2 check-ins" in out

    # the mock interview: preparation a week before, the interview, a review after
    out = await console.say(":clock 2027-01-12T10:00")
    assert "(to fatima) Mentorship milestone with Grace Kim: Mock interview in a week" in out
    assert "(to grace) Mentorship milestone with Fatima Haddad: Mock interview in a week" in out
    out = await console.say(":clock 2027-01-19T10:00")
    assert "Mock interview this week" in out
    out = await console.say(":clock 2027-01-21T10:00")
    assert "(to fatima) Mentorship milestone with Grace Kim: Review your mock interview" in out
    out = await console.say(":clock +1d")
    assert "Review your mock interview" not in out  # each prompt once

    # the programme lead sees aggregates; four people are below the threshold of five
    out = await answer(console, "jordan", "/mentor stats lib")
    assert "lib (library): 2 active pairs, 3 mentees, 2 mentors." in out
    assert "fewer than 5 people have answered check-ins" in out
    assert "Meeting rate:" not in out
    assert "Milestones: 3 of 4 reached · kick-off ✓ · mid-point ✓ · mock-interview ✓" in out


async def test_lead_sees_meeting_rate_and_usefulness_above_the_threshold(
    app_k3: FakeOutward, clock: FakeClock
) -> None:
    console = Console(app_k3, clock)
    await make_cohort(console, "three-pairs.csv")
    await console.say(":clock +14d")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "fewer than 3 people" in out  # nobody answered yet
    await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    await answer(console, "grace", "Yes, we met", "1", "Goals", "No, all good")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "fewer than 3 people" in out and "Average usefulness" not in out  # two: held
    await answer(console, "rosa", "Sí, nos reunimos", "4", "Metas", "No, todo bien")
    await answer(console, "kwame", *NOT_MET)
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Meeting rate: 67% of 3 pair check-ins reported a meeting." in out
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out
    assert "Worked on: Goals 3" in out


# ---- escalation rules in chat -----------------------------------------------------------------


async def test_asking_for_the_liaison_sends_only_what_the_person_chose_to_share(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await console.say(":clock +14d")
    out = await answer(console, "rosa", "Sí, nos reunimos", "3", "Metas",
                       "Necesito ayuda con el examen, llámame al 555-123-4567")
    assert "Su enlace se comunicará con usted." in out
    assert "(to aiyana) Rosa Delgado in the pair Rosa Delgado & Mei Tanaka (lib) asked you" in out
    out = await answer(console, "fatima", "Yes, we met", "5", "Goals",
                       "Please have my liaison contact me")
    assert "(to aiyana) Fatima Haddad in the pair Fatima Haddad & Grace Kim (lib) asked" in out
    out = await answer(console, "aiyana", "/mentor pairs")
    assert "> Rosa Delgado: Necesito ayuda con el examen" in out
    assert "555-123-4567" not in out  # the note is scrubbed before it is kept
    assert "Dec 8, 2026: Fatima Haddad asked you to get in touch" in out
    notes = [c.note for c in app.db.checkins.values()]
    assert not any("555" in n for n in notes)


async def test_low_usefulness_twice_escalates(app: FakeOutward, console: Console) -> None:
    await make_cohort(console)
    await console.say(":clock +14d")
    out = await answer(console, "grace", "Yes, we met", "2", "Skip", "No, all good")
    assert "(to aiyana)" not in out
    await console.say(":clock +14d")
    out = await answer(console, "grace", "Yes, we met", "1", "Skip", "No, all good")
    assert (
        "(to aiyana) Grace Kim in the pair Fatima Haddad & Grace Kim (lib) rated their last two "
        "meetings 1 or 2 out of 5." in out
    )


async def test_paused_people_get_no_checkins_and_their_pair_is_not_flagged(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    out = await answer(console, "rosa", "/mentor pause")
    assert "pausa" in out
    out = await console.say(":clock +14d")
    assert "(to mei) Hi Mei" in out and "(to rosa) Hola" not in out
    await answer(console, "mei", *NOT_MET)
    await console.say(":clock +14d")
    out = await answer(console, "mei", *NOT_MET)
    assert "(to aiyana)" not in out
    out = await answer(console, "aiyana", "/mentor pairs")
    assert "Rosa Delgado & Mei Tanaka (lib): paused" in out
    out = await answer(console, "rosa", "/mentor resume")
    assert "Hola, Rosa: es hora del seguimiento" in out  # the open check-in comes at once
    out = await console.say(":clock +14d")
    assert "Hola, Rosa: es hora del seguimiento" in out
    # the pause button on a check-in works too
    out = await answer(console, "fatima", "Pause my check-ins")
    assert "Check-ins paused." in out and "paused" in out
    out = await console.say(":clock +14d")
    assert "(to fatima) Hi Fatima" not in out and "(to grace) Hi Grace" in out


async def test_an_oversized_cohort_file_is_named_as_too_large_and_nothing_is_imported(
    app: FakeOutward, console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cohort_csv(tmp_path, "everyone.csv", padding=120_000)
    out = await console.say(":as amara", "/mentor create library lib start=2026-11-24 weeks=12",
                            "/mentor import lib everyone.csv")
    assert ERROR not in out
    assert "everyone.csv is larger than 1 MB" in out
    assert "Imported into" not in out
    cohort_csv(tmp_path, "everyone.csv")  # the right file: it imports
    out = await console.say("/mentor import lib everyone.csv")
    assert "Imported into lib" in out


# ---- visibility -------------------------------------------------------------------------------


async def test_each_person_sees_only_what_their_role_allows(
    app: FakeOutward, console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = await make_cohort(console, two_liaisons_csv(tmp_path), " lead=jordan")
    assert "• fatima → grace (liaison aiyana)" in out
    assert "• rosa → mei (liaison noah)" in out
    await console.say(":clock +14d")
    await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    await answer(console, "grace", "Yes, we met", "1", "Goals", "Please have my liaison contact me")
    await answer(console, "rosa", "No, esta vez no", "Mi mentora cancela siempre")

    # mentor and mentee: their own pair only; their own answers, the partner's met and topic
    out = await answer(console, "fatima", "/mentor history")
    assert "lib with Grace Kim (active)" in out
    assert "Dec 8, 2026: you: met, 4/5, Goals · Grace: met, Goals" in out
    assert "1/5" not in out and "liaison" not in out and "Rosa" not in out
    out = await answer(console, "grace", "/mentor history")
    assert "you: met, 1/5, Goals, asked the liaison to get in touch · Fatima: met, Goals" in out
    out = await answer(console, "mei", "/mentor history")
    assert "Rosa: did not meet" in out and "cancela" not in out and "Fatima" not in out
    assert "you: not answered yet (open until Dec" in out  # Mei can still answer hers
    out = await answer(console, "rosa", "/mentoria history")
    assert "Mei: aún sin respuesta (abierto hasta el" in out
    await console.say(":clock +10d")  # the window has closed
    out = await answer(console, "mei", "/mentor history")
    assert "Dec 8, 2026: you: no answer · Rosa: did not meet" in out
    for handle in ("kwame", "tom", "aiyana"):  # unmatched, not in the programme, liaison
        out = await answer(console, handle, "/mentor history")
        assert "no history to show" in out or "no hay historial" in out

    # liaisons: their own pairs only
    out = await answer(console, "aiyana", "/mentor pairs")
    assert "Fatima Haddad & Grace Kim" in out and "Rosa" not in out and "cancela" not in out
    assert "Grace Kim rated the meeting 1/5" in out
    out = await answer(console, "noah", "/mentor pairs")
    assert "Rosa Delgado & Mei Tanaka" in out and "Fatima" not in out
    assert "> Rosa Delgado: Mi mentora cancela siempre" in out
    for handle in ("tom", "fatima", "mei", "jordan"):
        out = await answer(console, handle, "/mentor pairs")
        assert "you are not a liaison" in out or "no eres enlace" in out

    # cohort aggregates: the programme lead and admins only
    for handle in ("jordan", "amara"):
        out = await answer(console, handle, "/mentor stats lib")
        assert "lib (library): 2 active pairs" in out
    for handle in ("tom", "aiyana", "grace", "fatima", "will"):
        out = await answer(console, handle, "/mentor stats lib")
        assert "for programme leads and admins" in out and "active pair" not in out
    out = await answer(console, "tom", "/mentor stats nope")
    assert "for programme leads and admins" in out  # not even whether a cohort exists


# ---- bad input --------------------------------------------------------------------------------


async def test_bad_commands_get_usage_never_a_traceback(app: FakeOutward, console: Console) -> None:
    out = await console.say(
        "/mentor",
        "/mentor frobnicate",
        "/mentor create lib",
        "/mentor create lib x start=tomorrow weeks=12",
        "/mentor create lib x start=2026-11-24 weeks=0",
        "/mentor create Lib! x start=2026-11-24 weeks=4",
        '/mentor create lib "unclosed start=2026-11-24',
        "/mentor import nope file.csv",
        "/mentor propose",
        "/mentor confirm nope",
        "/mentor stats",
    )
    assert ERROR not in out
    assert out.count("Usage: /mentor create") == 5
    assert "There is no open cohort called nope" in out
    out = await make_cohort(console)
    out = await console.say(
        "/mentor import lib missing.csv", "/mentor import lib /etc/passwd",
        "/mentor create library lib start=2026-11-24 weeks=12",
        "/mentor confirm lib",
    )
    assert out.count("I could not read") == 2
    assert "There is already a cohort called lib" in out
    assert "There are no proposed pairs in lib" in out
    out = await answer(console, "tom", "/mentor create p c start=2026-11-24 weeks=4",
                       "/mentor import lib mentorship-cohort.csv", "/mentor confirm lib",
                       "/mentor join lib boss", "/mentor pause")
    assert out.count("Only Outward admins") == 3
    assert "Usage: /mentor join" in out and "not in a mentorship cohort" in out
    assert ERROR not in out


async def test_a_person_can_be_in_one_running_cohort(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    out = await console.say("/mentor create library lib2 start=2027-03-02 weeks=8",
                            "/mentor import lib2 mentorship-cohort.csv")
    assert "line 2: mei is already in cohort lib" in out
    assert "Nothing was imported into lib2" in out and "Imported into" not in out
    out = await answer(console, "kwame", '/mentor join lib2 mentee goals="management"')
    assert "You are already in cohort lib" in out
    out = await answer(console, "tom", '/mentor join lib2 mentor goals="interviews"')
    assert "You applied to lib2 as a mentor" in out


async def test_admin_edits_respect_the_hard_rules(app: FakeOutward, console: Console) -> None:
    await console.say(":as amara", "/mentor create library lib start=2026-11-24 weeks=12",
                      "/mentor import lib mentorship-cohort.csv")
    out = await console.say("/mentor pair lib kwame mei")
    assert "kwame and mei are in the same reporting line" in out
    out = await console.say("/mentor pair lib fatima kwame")
    assert "kwame is not a mentor in lib" in out
    out = await console.say("/mentor pair lib kwame grace", "/mentor propose lib")
    assert "Proposed kwame → grace in lib" in out
    # the proposal gave grace to fatima, who comes first in the priority order: a warning,
    # nothing changed, until the admin confirms the edit
    out = await console.say("/mentor pair lib kwame grace")
    assert ("Pairing kwame with grace would leave fatima without a mentor, ahead of kwame in "
            "the programme's priority order (entry-level, under-represented)") in out
    assert "/mentor pair lib kwame grace confirm" in out and "Proposed kwame" not in out
    # a fresh proposal replaces the edit; confirm takes what is proposed
    out = await console.say("/mentor pair lib kwame grace confirm", "/mentor confirm lib")
    assert "Confirmed 2 pairs" in out
    assert "(to kwame) You are in mentorship cohort lib: your mentor is Grace Kim" in out
    assert "Mentees without a mentor: fatima" in out
    out = await console.say("/mentor pair lib fatima grace")
    assert "already in an active pair" in out


async def test_a_mentor_leaving_notifies_the_liaison_and_the_mentee_can_be_re_paired(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    out = await answer(console, "grace", "/mentor leave")
    assert "You have left the mentorship programme" in out
    assert "(to fatima) Grace Kim has left the mentorship programme" in out
    assert "(to aiyana) Grace Kim has left the mentorship programme; Fatima Haddad (@fatima)" in out
    out = await answer(console, "tom", '/mentor join lib mentor goals="mock interviews"')
    assert "You applied to lib as a mentor" in out
    out = await answer(console, "amara", "/mentor pair lib fatima grace")
    assert "grace is not a mentor in lib" in out
    out = await console.say("/mentor pair lib fatima tom")
    assert "Paired fatima → tom in lib; both have been told." in out
    assert "(to fatima) You are in mentorship cohort lib: your mentor is Tom Becker" in out
    out = await console.say(":clock +14d")
    assert "(to fatima) Hi Fatima, time for your mentorship check-in with your mentor Tom" in out
    assert "(to grace)" not in out
    out = await answer(console, "fatima", "/mentor history")
    assert "lib with Tom Becker (active)" in out and "lib with Grace Kim (ended)" in out


async def test_answers_after_the_window_closed_are_refused(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await console.say(":clock +14d")
    out = await answer(console, "fatima", "Yes, we met")
    await console.say(":clock +7d")  # the window was 2026-12-08 .. 2026-12-14
    out = await answer(console, "fatima", "4")
    assert "This check-in closed on December 14, 2026, so the answer was not saved." in out
    assert "The next one comes on December 22, 2026." in out
    rows = [(c.usefulness, c.done) for c in app.db.checkins.values() if c.usefulness is not None]
    assert rows == []


async def test_a_checkin_waits_while_the_person_is_mid_survey(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await console.say(":clock 2026-12-07T09:00", "/pulse start listening-tour")
    out = await answer(console, "fatima", "1", "1")  # start the survey, share segments
    assert "Question 1 of 8" in out
    await console.say(":clock 2026-12-08T08:30")
    out = await answer(console, "fatima", "Our story times are great")
    assert "Question 2 of 8" in out
    out = await console.say(":clock +30m")  # 09:00: check-ins go out, but not to Fatima yet
    assert "(to grace) Hi Grace" in out and "Hi Fatima" not in out
    out = await answer(console, "fatima", "Staff time", "Training", "Nothing", "2", "skip",
                       "4", "skip", "3", "Hiring and promotion")
    assert "Thank you, that's everything" in out
    assert "Hi Fatima, time for your mentorship check-in with your mentor Grace Kim" in out
    out = await console.say("Yes, we met", "5", "Goals", "No, all good")
    assert "Thanks, your check-in is saved." in out


async def test_typed_text_is_a_note_only_right_after_the_question(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await console.say(":clock +14d")
    out = await answer(console, "fatima", "Yes, we met", "4", "Goals", "start")
    assert "(to aiyana)" not in out  # a word for another flow is not a note
    await console.say(":clock +3h")
    out = await answer(console, "fatima", "hello there")
    assert "(to aiyana)" not in out and "What I can do" in out
    out = await answer(console, "fatima", "No, all good")  # the buttons still work
    assert "Thanks, your check-in is saved." in out


async def test_a_cohort_closes_after_its_last_checkin_window(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await console.say(":clock 2027-02-22T10:00")
    out = await answer(console, "kwame", '/mentor join lib mentee goals="x"')
    assert "You are already in lib as a mentee" in out  # still running
    await console.say(":clock 2027-02-23T10:00")  # 12 weeks + the 7-day answer window
    out = await answer(console, "fatima", "/mentor history")
    assert "lib with Grace Kim (ended)" in out
    out = await answer(console, "amara", "/mentor create library lib2 start=2027-03-02 weeks=8")
    out = await answer(console, "kwame", '/mentor join lib2 mentee goals="management"')
    assert "You applied to lib2 as a mentee" in out
    out = await answer(console, "amara", "/mentor stats lib")
    assert "lib (library): 0 active pairs" in out
    out = await console.say(":clock +14d")
    assert "check-in" not in out


async def test_end_of_programme_feedback_goes_to_the_cohort_only(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    out = await console.say(":as dana", "/mentor feedback lib")
    assert "Cohort figures are for programme leads and admins." in out
    assert "Started" not in out
    out = await console.say(":as amara", "/mentor feedback lib")
    assert "Started" in out and "lib-feedback" in out
    invited = {line.split("(to ")[1].split(")")[0] for line in out.splitlines()
               if "(to " in line and ("Mentorship programme feedback" in line
                                      or "programa de mentoría" in line)}
    assert invited == {"mei", "grace", "kwame", "rosa", "fatima", "aiyana"} - {"amara"}
    assert "dana" not in invited and "jordan" not in invited



async def test_chat_imports_never_read_paths_on_the_server(app: FakeOutward, console: Console
                                                          ) -> None:
    await console.say(":as amara", "/mentor create library lib start=2026-11-24 weeks=12")
    for name in ("/etc/passwd.csv", "../organisation.csv", "..\\x.csv", ".hidden.csv"):
        out = await console.say(f"/mentor import lib {name}")
        assert "Traceback" not in out and "imported" not in out.lower()


# ---- privacy repairs: no false alarms, no differencing ------------------------------------------


async def _at_help_question(app: FakeOutward, console: Console, handle: str, *presses: str) -> None:
    out = await answer(console, handle, *presses)
    assert "liaison can help" in out or "enlace pueda ayudar" in out


async def test_typing_a_button_label_or_a_decline_never_alerts_the_liaison(
    app: FakeOutward, console: Console
) -> None:
    from adapters.console.adapter import address_for as console_address
    from conversations.events import TextReceived

    await make_cohort(console)
    await console.say(":clock +14d")
    # typed straight to the core, as Slack and Teams deliver typed text (not a button press)
    for handle, presses, typed in (
        ("fatima", ("Yes, we met", "4", "Goals"), "No, all good"),
        ("grace", ("Yes, we met", "4", "Goals"), "1"),
        ("rosa", ("No, esta vez no",), "no, todo bien"),
        ("mei", ("No, not this time",), "no thanks!"),
    ):
        await _at_help_question(app, console, handle, *presses)
        replies = await app.router(TextReceived(console_address(handle), typed))
        assert any("Nothing for the liaison" in m.text or "Nada para el enlace" in m.text
                   for m in replies), (handle, typed)
    out = await console.say(":clock +1m")
    assert "(to aiyana)" not in out
    asked = sum(1 for c in app.db.checkins.values() if c.help == "contact")
    alerts = sum(1 for r in app.db.outbox.values() if r.kind == "mentor.escalation")
    assert asked == 0 and alerts == 0


async def test_free_text_that_asks_for_help_still_alerts(app: FakeOutward,
                                                         console: Console) -> None:
    from adapters.console.adapter import address_for as console_address
    from conversations.events import TextReceived

    await make_cohort(console)
    await console.say(":clock +14d")
    await _at_help_question(app, console, "fatima", "Yes, we met", "4", "Goals")
    await app.router(TextReceived(console_address("fatima"),
                                  "Could we talk about my schedule with my manager?"))
    out = await console.say(":clock +1m")
    assert "(to aiyana) Fatima Haddad in the pair Fatima Haddad & Grace Kim (lib) asked" in out


async def three_scored(app: FakeOutward, clock: FakeClock) -> Console:
    """A cohort of three pairs two weeks in, with three check-ins scored 4, 2 and 3 (an
    average of 3.0)."""
    console = Console(app, clock)
    await make_cohort(console, "three-pairs.csv")
    await console.say(":clock +14d")
    await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    await answer(console, "grace", "Yes, we met", "2", "Goals", "No, all good")
    await answer(console, "rosa", "Sí, nos reunimos", "3", "Metas", "No, todo bien")
    return console


async def test_mentor_stats_never_move_by_fewer_than_k_people(
    app_k3: FakeOutward, clock: FakeClock
) -> None:
    console = await three_scored(app_k3, clock)
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out
    # one more person's check-in: showing it would give away their score (3.0 -> 3.5 = 5)
    await answer(console, "mei", "Yes, we met", "5", "Goals", "No, all good")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out
    assert "As shown on December 8, 2026" in out
    # a second: two people's scores would still be one person's to the other of them
    await answer(console, "kwame", "Yes, we met", "4", "Goals", "No, all good")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out and "As shown on" in out
    # a third new person: the figures move by three people, which k=3 allows
    await answer(console, "tom", "Yes, we met", "3", "Goals", "No, all good")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.5 of 5 (6 ratings)." in out
    assert "As shown on" not in out


async def test_a_score_given_after_a_view_never_moves_the_average_by_fewer_than_k(
    app_k3: FakeOutward, clock: FakeClock
) -> None:
    """Mei and Kwame have said they met but not yet how useful it was when the lead looks;
    Tom finishes his check-in, then they score theirs. Counting the unfinished check-ins then
    would let the next view move the average by Mei's and Kwame's scores alone, which each of
    them could take their own from."""
    console = await three_scored(app_k3, clock)
    await answer(console, "mei", "Yes, we met")  # stops before the usefulness question
    await answer(console, "kwame", "Yes, we met")
    await answer(console, "tom", *NOT_MET)
    first = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in first
    await answer(console, "mei", "5")
    await answer(console, "kwame", "5")
    out = await answer(console, "amara", "/mentor stats lib")
    assert "3.7" not in out and "(5 ratings)" not in out
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out


async def test_the_usefulness_average_never_moves_by_fewer_than_k_scores(
    app_k3: FakeOutward, clock: FakeClock
) -> None:
    """Three more check-ins are enough (k=3) to move the check-in figures, but only two of
    them have a score: the average would move by those two people's scores (3.0 -> 3.8: 5 and
    4), and either of them knows their own."""
    console = await three_scored(app_k3, clock)
    out = await answer(console, "amara", "/mentor stats lib")
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out
    await answer(console, "mei", "Yes, we met", "5", "Goals", "No, all good")
    await answer(console, "kwame", "Yes, we met", "4", "Goals", "No, all good")
    await answer(console, "tom", *NOT_MET)
    out = await answer(console, "amara", "/mentor stats lib")
    assert "3.8" not in out and "(5 ratings)" not in out
    assert "Average usefulness: 3.0 of 5 (3 ratings)." in out and "As shown on" in out


async def test_a_lead_ends_a_cohort_early_and_no_more_check_ins_go_out(
    app: FakeOutward, clock: FakeClock
) -> None:
    console = Console(app, clock)
    await make_cohort(console)
    out = await answer(console, "fatima", "/mentor end lib")
    assert "Only the programme's lead or an admin can end a cohort." in out
    out = await answer(console, "amara", "/mentor end", "/mentor end nosuch")
    assert "Usage: /mentor end COHORT" in out and "There is no open cohort called nosuch" in out
    out = await answer(console, "amara", "/mentor end lib")
    assert "Ended cohort lib: its 2 pairs have ended, and no more check-ins are sent" in out
    assert "/mentor feedback lib" in out
    assert "has already ended" in await answer(console, "amara", "/mentor end lib")
    # the sheet imported again: not "Imported ... Next: /mentor propose lib", which refuses
    out = await answer(console, "amara", "/mentor import lib mentorship-cohort.csv")
    assert "There is no open cohort called lib" in out and "Imported" not in out
    out = await console.say(":clock +14d", ":clock +14d")
    assert "(to fatima)" not in out and "(to grace)" not in out, "no check-ins after the end"
    out = await answer(console, "fatima", "/mentor")
    assert "lib with Grace Kim (ended)" in out, "the pair's history stays"
    out = await answer(console, "rosa", "/mentoria end lib")
    assert "Solo la persona responsable del programa" in out


async def test_typing_instead_of_pressing_brings_the_check_in_back(
    app: FakeOutward, clock: FakeClock
) -> None:
    """Fatima types "yes we met" under her check-in: she gets the check-in again with a word on
    how to answer it, not the whole help; once it is answered, other text gets the help."""
    console = Console(app, clock)
    await make_cohort(console)
    await console.say(":clock +14d")
    out = await answer(console, "fatima", "yes we met")
    assert "Your mentorship check-in is waiting for you: answer it with its buttons" in out
    assert "Did you meet since the last check-in?" in out and "What I can do" not in out
    out = await answer(console, "rosa", "sí nos reunimos")
    assert "Su seguimiento de mentoría le espera" in out
    await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    out = await answer(console, "fatima", "yes we met")
    assert "What I can do" in out and "is waiting for you" not in out
