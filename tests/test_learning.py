"""Learning nudges through the console: cadence, one-a-day, snooze, edits mid-way, reflections
(the real core on the in-memory storage)."""

from __future__ import annotations

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import ButtonPressed
from conversations.keyed import open_held
from conversations.results.release import Releaser
from prompts.loader import ContentError, builtin_tracks, load_track
from storage.learning_models import Enrolment
from tests.support import Console, FakeOutward, in_memory

TRACK = """
id: test-track
title: {en: Noticing, es: Notar}
cadence_days: 7
steps:
  - {id: one, text: {en: Step one text, es: Paso uno}, reflection: {en: "What did you notice?"}}
  - {id: two, text: {en: Step two text, es: Paso dos}, activity: {en: Try a thing}}
  - {id: three, text: {en: Step three text, es: Paso tres}}
"""


def use_track(app: Core, yaml_text: str = TRACK) -> None:
    track = load_track("test.yaml", yaml_text)
    app.deps.tracks[track.id] = track  # type: ignore[index]


async def test_builtin_tracks_are_complete() -> None:
    tracks = builtin_tracks()
    assert len(tracks) >= 4
    for track in tracks.values():
        assert 4 <= len(track.steps) <= 8, track.id
        for step in track.steps:
            assert set(step.text) == {"en", "es"}, (track.id, step.id)


def test_bad_track_files_fail_with_file_step_and_problem() -> None:
    bad = TRACK.replace("id: two", "id: one")
    try:
        load_track("tracks/x.yaml", bad)
    except ContentError as exc:
        assert "tracks/x.yaml:7: step id 'one' is used twice (first on line 6)" in str(exc)
    else:
        raise AssertionError("duplicate step ids accepted")


async def test_staff_join_get_steps_weekly_mark_done_snooze_and_resume(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    use_track(app)
    out = await console.say(":as dana", "/learn join test-track")
    assert "You're in Noticing" in out
    assert "step 1 of 3" in out and "Step one text" in out  # in working hours: right away
    out = await console.say("Done")
    assert "✓ Done" in out
    out = await console.say(":clock +1d")
    assert "Step two" not in out  # weekly cadence
    out = await console.say(":clock +6d")
    assert "step 2 of 3" in out and "Try this: Try a thing" in out
    out = await console.say("Snooze till tomorrow")
    assert "Snoozed until December 2, 2026" in out
    out = await console.say(":clock +1d")
    assert "step 2 of 3" in out, "a snoozed step comes back the next day"
    out = await console.say("Stop this track")
    assert "progress is kept" in out
    out = await console.say(":clock +7d")
    assert "step 3" not in out
    out = await console.say("/learn join test-track", ":clock +1m")
    assert "step 3 of 3" in out
    out = await console.say("/learn")
    assert "test-track" in out and "1 of 3 done" in out


async def test_at_most_one_nudge_a_day_and_none_during_a_survey(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    use_track(app)
    use_track(app, TRACK.replace("test-track", "second-track"))
    out = await console.say(":as dana", "/learn join test-track", "/learn join second-track")
    assert out.count("step 1 of 3") == 1
    out = await console.say(":clock +1d")
    assert out.count("step 1 of 3") == 1, "the second track's first step waits for the next day"
    # a survey in progress holds nudges back
    await console.say(":as amara", "/pulse start listening-tour")
    await console.say(":as dana", "Start", "1", "An answer")
    out = await console.say(":clock +6d")  # a week on: a step would be due, but dana is mid-survey
    assert "(to dana)" not in out and "step 2" not in out
    await console.say(":as dana", "stop")
    out = await console.say(":clock +1d")
    assert "step 2 of 3" in out


async def test_nudges_follow_each_persons_time_zone(app: FakeOutward, console: Console,
                                                   clock: FakeClock) -> None:
    use_track(app)
    clock.set(clock.now().replace(day=25, hour=14, minute=30))  # Wed 09:30 NY, 06:30 LA
    out = await console.say(":as dana", "/learn join test-track", ":as will",
                            "/learn join test-track")
    assert "(to dana)" not in out and "Step one text" in out  # will, in New York, has it now
    out = await console.say(":clock +2h")  # 08:30 in Los Angeles
    assert "(to dana)" not in out
    out = await console.say(":clock +30m")  # 09:00 in Los Angeles
    assert "(to dana) Noticing · step 1 of 3" in out


async def test_track_edited_midway_never_repeats_a_step(app: FakeOutward, console: Console,
                                                       clock: FakeClock) -> None:
    use_track(app)
    await console.say(":as dana", "/learn join test-track", ":clock +7d")
    edited = """
id: test-track
title: {en: Noticing}
cadence_days: 7
steps:
  - {id: zero, text: {en: New first step}}
  - {id: two, text: {en: Step two text}}
  - {id: one, text: {en: Step one text}}
  - {id: four, text: {en: Step four text}}
"""
    use_track(app, edited)  # "three" removed, "zero" and "four" added, one/two reordered
    out = await console.say(":clock +7d")
    assert "New first step" in out and "step 1 of 4" in out
    out = await console.say(":clock +7d")
    assert "Step four text" in out
    out = await console.say(":clock +7d")
    assert "Step" not in out
    async with app.deps.uow() as tx:
        keys = [r.payload["step"] for r in await tx.outbox.rows() if r.kind == "learn.step"]
    assert sorted(keys) == sorted(set(keys)) == ["four", "one", "two", "zero"]


async def test_admin_enrols_a_segment_and_people_not_on_the_roster_are_refused(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    use_track(app)
    out = await console.say("/learn enrol test-track branch=Riverside")
    assert "Enrolled 5 people" in out
    out = await console.say("/learn enrol test-track @stranger")
    assert "stranger is not on the roster" in out
    out = await console.say("/learn enrol nope everyone")
    assert "no learning track called nope" in out
    out = await console.say(":as dana", "/learn enrol test-track everyone")
    assert "Only Outward admins can enrol people in a learning track" in out
    assert "rounds" not in out and "/learn join TRACK" in out  # what she can do instead
    out = await console.say(":as sam")
    assert "step 1 of 3" in out  # sam (Riverside) got the same track
    out = await console.say("/learn stats")
    assert "for admins and committee chairs" in out
    out = await console.say(":as jordan", "/learn stats test-track")
    assert ("5 people enrolled (5 still taking part, 0 finished, 0 left the track)" in out
            and "sent to 5 people, done by 0" in out)
    use_track(app, TRACK.replace("test-track", "small-track"))
    await console.say(":as amara", "/learn enrol small-track classification=Page")
    out = await console.say(":as jordan", "/learn stats small-track")
    assert "fewer than 5 people enrolled" in out and "2 people" not in out


async def test_reflections_are_stored_without_the_person(app: FakeOutward, console: Console,
                                                         clock: FakeClock) -> None:
    use_track(app)
    await console.say(":as dana", "/learn join test-track")
    out = await console.say("Reflect")
    assert "What did you notice?" in out
    out = await console.say("I noticed Mei Tanaka greets every patron by name")
    assert "stored without your name" in out
    again = await app.router(ButtonPressed(console_address("dana"), "learn:reflect",
                                           "test-track|one"))
    assert "already shared a reflection" in again[0].text
    held = [(h.round_id, h.answers, h.segments, h.week) for h in app.db.held.values()]
    enrolment_columns = {c.name for c in Enrolment.__table__.columns}
    assert len(held) == 1 and held[0][0] == "learn-test-track"
    # sealed while held: a database reader who saw dana reply reads nothing of it
    assert "greets every patron" not in str(held[0][1]) and "sealed" in held[0][1]
    opened = open_held(app.deps.keyed, "learn-test-track", held[0][1], held[0][2])
    assert opened is not None
    assert "I noticed [NAME] greets every patron by name" in str(opened[0])
    assert "one" not in str(opened[0]), "the step id would name the few people sent it"
    assert opened[1] == {} and held[0][3] == ""  # no segments, no date
    assert "reflected" not in enrolment_columns  # no per-person record of reflecting

    await Releaser(app.deps).release()
    assert not app.db.responses
    # released only once max(k, k_comments) = 10 different people have reflected
    others = ["tom", "sam", "will", "noah", "mei", "luis", "grace", "rosa", "kwame"]
    for handle in others[:8]:  # "6" is Reflect in every language (it comes last)
        await console.say(f":as {handle}", "/learn join test-track", "6", "A note")
    await console.say(":as dana", "Reflect")  # a second reflection by the same person
    await console.say(":as dana")
    await Releaser(app.deps).release()
    assert not app.db.responses
    await console.say(f":as {others[8]}", "/learn join test-track", "6", "A note")
    await Releaser(app.deps).release()
    rows = [(r.round_id, r.question_id, r.text, r.segments, r.week, r.occurrence)
            for r in app.db.responses.values()]
    assert len(rows) == 10
    assert ("learn-test-track", "reflection", "I noticed [NAME] greets every patron by name"
            ) in [r[:3] for r in rows]
    assert all(r[3] == {} and r[4] == "" for r in rows)
    assert {r[5] for r in rows} == {"r1"}  # one occurrence per release batch


async def test_reflections_reach_a_chairs_themes_with_the_same_thresholds(
    clock: FakeClock
) -> None:
    from tests.support import in_memory

    app = await in_memory(clock, env={"OUTWARD_K_RESPONSES": "3", "OUTWARD_K_COMMENTS": "3"})
    try:
        use_track(app)
        console = Console(app, clock)
        notes = ["I noticed I greet regular patrons warmly and newcomers less so",
                 "I noticed patrons who speak Spanish wait longer at the desk",
                 "I noticed I assume teenagers are there to cause trouble"]
        for handle, note in zip(["dana", "tom"], notes, strict=False):
            out = await console.say(f":as {handle}", "/learn join test-track", "Reflect", note)
            assert "stored without your name" in out
            assert "is open, and" not in out, "a reflection round is never sent as a survey"
        out = await console.say(":as jordan", "/themes learn-test-track")
        assert "too few people" in out  # two reflections are held: below max(k, k_comments)
        await console.say(":as sam", "/learn join test-track", "Reflect", notes[2])
        out = await console.say(":clock +1m", ":as jordan", "/themes learn-test-track")
        assert "3 comments in" in out and "    > I noticed" in out  # three people: released
        await console.say(":as noah", "/learn join test-track", "Reflect", "I noticed my tone")
        out = await console.say(":clock +1m", ":as jordan", "/themes learn-test-track")
        assert "3 comments in" in out  # the fourth waits until three more people reflected
        out = await console.say(":as dana", "/themes learn-test-track")
        assert "for committee chairs" in out
        out = await console.say(":as amara", "/pulse start learn-test-track as copy",
                                "/pulse close learn-test-track")
        assert out.count("not a survey") == 2
    finally:
        await app.close()


THREE_REFLECTIONS = """
id: three-reflections
title: {en: Noticing daily, es: Notar a diario}
cadence_days: 1
steps:
  - {id: one, text: {en: Step one, es: Paso uno}, reflection: {en: "What did you notice?"}}
  - {id: two, text: {en: Step two, es: Paso dos}, reflection: {en: "And today?"}}
  - {id: three, text: {en: Step three, es: Paso tres}, reflection: {en: "And now?"}}
"""


async def test_one_persons_reflections_cannot_be_grouped_held_or_released(
    clock: FakeClock
) -> None:
    """Dana reflects on three steps, Tom and Sam on one each. A tag shared by Dana's three
    held reflections (or a submission id shared once released) would say that one author
    wrote three: the few people sent three steps, and every one of her reflections with them."""
    from tests.support import in_memory

    app = await in_memory(clock, env={"OUTWARD_K_RESPONSES": "3", "OUTWARD_K_COMMENTS": "3"})
    try:
        use_track(app, THREE_REFLECTIONS)
        console = Console(app, clock)
        await console.say(":as dana", "/learn join three-reflections", "Reflect",
                          "I noticed the queue at the desk")
        for text in ("I noticed who gets asked for ID", "I noticed my own tone"):
            await console.say(":as dana", ":clock +1d", "Reflect", text)
        assert len(app.db.held) == 3 and not app.db.responses  # one person: nothing released
        tags = [h.author for h in app.db.held.values()]
        assert len(set(tags)) == 3, "one person's reflections share a tag"
        for handle in ("tom", "sam"):  # (the console's clock releases after each line)
            await console.say(f":as {handle}", "/learn join three-reflections", "Reflect",
                              f"A note about patrons from {handle}")
        await Releaser(app.deps).release()
        released = list(app.db.responses.values())
        # three people were waiting: one reflection each is released, each on its own
        assert len(released) == 3 and len({r.submission for r in released}) == 3
        assert len(app.db.held) == 2  # Dana's other two wait for batches of their own
        await console.say(":clock +1m")
        assert len(app.db.responses) == 3, "two held reflections of one person are not enough"
    finally:
        await app.close()


async def test_a_nudge_held_back_by_a_survey_never_dates_its_end(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    """Dana is mid-survey when her step comes due. Sent the minute she finishes, the step's
    outbox row would say when she finished (and so whose held answers are the newest): it
    comes the next day instead, at the usual time."""
    use_track(app)
    await console.say(":as dana", "/learn join test-track")
    await console.say(":as amara", "/pulse start listening-tour")
    await console.say(":as dana", "Start", "1", "An answer")
    for _ in range(6):  # day by day: the reminders go on days 3 and 6
        await console.say(":clock +1d")
    out = await console.say(":clock +1d")  # day 7: the step is due; dana is mid-survey
    assert "A reminder" not in out and "step 2" not in out
    out = await console.say(":as dana", "skip", "skip", "skip", "4", "skip", "skip", "skip",
                            "skip")
    assert "Thank you" in out
    out += await console.say(":clock +1m", ":clock +3h")
    assert "step 2" not in out, "planned the moment the survey ended"
    out = await console.say(":clock +1d")
    assert "(to dana) Noticing · step 2 of 3" in out or "Noticing · step 2 of 3" in out


async def test_learning_stats_say_what_they_count_and_hide_small_splits(
    clock: FakeClock
) -> None:
    """The lead reads people, not bare numbers; a step done by all but one or two shows
    neither figure, and a track where one person left hides the whole split."""
    app = await in_memory(clock, env={"OUTWARD_K_RESPONSES": "3"})
    console = Console(app, clock)
    try:
        use_track(app)
        await console.say("/learn enrol test-track branch=Riverside")  # 5 people, step 1 sent
        for handle in ("sam", "grace", "will", "fatima"):
            await console.say(f":as {handle}", "Done")
        out = await console.say(":as amara", "/learn stats test-track")
        assert "step 1 (one): sent to 5 people, done by hidden (small numbers)" in out
        assert "done by 4" not in out  # 5 - 4: the one who did not would be counted
        await console.say(":as noah", "Done")
        out = await console.say(":as amara", "/learn stats test-track")
        assert "step 1 (one): sent to 5 people, done by 5" in out
        await console.say(":as noah", "/learn leave test-track")
        out = await console.say(":as amara", "/learn stats test-track")
        assert "5 people enrolled (how many are still taking part, finished or left is " \
               "hidden while any of these groups has fewer than 3 people)" in out
        assert "4 still" not in out and "1 left" not in out
    finally:
        await app.close()


async def test_learning_stats_name_unknown_tracks_and_skip_empty_ones(
    app: FakeOutward, console: Console
) -> None:
    use_track(app)
    out = await console.say("/learn stats")
    assert "Nobody is in a learning track yet. Enrol people with /learn enrol TRACK" in out
    await console.say("/learn enrol test-track branch=Riverside")
    out = await console.say("/learn stats")
    assert "Noticing: 5 people enrolled" in out
    assert "Allyship in action" not in out  # nobody in it: not seven lines of zeros
    assert "Nobody has joined yet: allyship, bias-basics," in out
    out = await console.say("/learn stats TEST-TRACK bias-basic")
    assert "no learning track called bias-basic" in out and "Noticing" not in out
    out = await console.say("/learn stats TEST-TRACK")
    assert "Noticing: 5 people enrolled" in out
    out = await console.say("/learn stats TEST-TRACK test-track")
    assert out.count("Noticing: 5 people enrolled") == 1, out  # one track, named twice
