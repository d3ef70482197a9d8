"""One contract for the repositories the core uses (conversations.ports), run against the
in-memory fake the behaviour tests use and against the SQL storage on SQLite and PostgreSQL,
so the fake cannot drift from what the database does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.bootstrap import sql_storage
from conversations.ports import UnitOfWork
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Outcome, Round
from tests.fakes import fake_storage

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
PEOPLE = [
    {"handle": "ana", "display_name": "Ana A", "email": "ana@example.org",
     "timezone": "America/Los_Angeles", "locale": "en", "roles": "staff", "branch": "Central",
     "classification": "Page", "employment": "PT", "active": True},
    {"handle": "ben", "display_name": "Ben B", "email": "ben@example.org", "timezone": "UTC",
     "locale": "es", "roles": "admin;staff", "branch": "Eastside", "classification": "Page",
     "employment": "FT", "active": True},
    {"handle": "cy", "display_name": "Cy C", "email": "", "timezone": "UTC", "locale": "en",
     "roles": "staff", "branch": "Central", "classification": "", "employment": "",
     "active": False},
]

Storage = Callable[[], UnitOfWork]


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
async def storage(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[Storage]:
    if request.param == "fake":
        yield fake_storage()[1]
        return
    url = (f"sqlite+aiosqlite:///{tmp_path}/contract.db" if request.param == "sqlite"
           else str(request.getfixturevalue("postgres_url")))
    engine = create_engine(url)
    await upgrade(engine)
    try:
        yield sql_storage(session_factory(engine))
    finally:
        await engine.dispose()


async def _people(uow: Storage) -> dict[str, int]:
    async with uow() as tx:
        assert await tx.people.upsert([(p, p) for p in PEOPLE]) == (3, 0)
        await tx.commit()
    async with uow() as tx:
        return {p.handle: p.id for p in await tx.people.all()}


def _round(round_id: str, status: str = "open") -> Round:
    return Round(id=round_id, template="t", title={"en": "T"}, owner={"en": "us"}, status=status,
                 audience={}, schedule={"response_days": 7}, k_responses=5, k_comments=10,
                 series=round_id, opened_at=NOW, opened_on=NOW.date())


async def test_people_identities_and_rounds(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        assert [p.handle for p in await tx.people.all()] == ["ana", "ben", "cy"]
        assert await tx.people.count() == 3
        assert [p.handle for p in await tx.people.active()] == ["ana", "ben"]
        assert [p.handle for p in await tx.people.active({"branch": "Central"})] == ["ana"]
        assert await tx.people.upsert([({"handle": "ana"}, {"branch": "Riverside"})]) == (0, 1)
        person = await tx.people.by_handle("ana")
        assert person is not None and person.branch == "Riverside" and person.active is True
        assert await tx.people.get(ids["ben"]) is not None and await tx.people.get(999) is None
        await tx.identities.link(ids["ana"], "slack", "T1", "U1", "D1", "")
        await tx.identities.link(ids["ana"], "slack", "T1", "U1", "", "ref")  # keeps D1
        await tx.identities.link(ids["ben"], "teams", "tenant", "29:b")
        await tx.rounds.create(_round("r2"), [{"id": "q1", "kind": "open"},
                                              {"id": "q2", "kind": "rating"}])
        await tx.rounds.create(_round("r1", "closed"), [])
        await tx.commit()
    async with storage() as tx:
        account = await tx.identities.account("slack", "T1", "U1")
        assert account is not None and account[0].handle == "ana"
        assert (account[1].conversation_id, account[1].reference) == ("D1", "ref")
        assert await tx.identities.account("slack", "T1", "U9") is None
        [ident] = await tx.identities.for_person(ids["ana"])
        assert (ident.conversation_id, ident.reference) == ("D1", "ref")
        await tx.identities.unlink("slack", "T1", "U1")
        assert await tx.identities.account("slack", "T1", "U1") is None
        assert [r.id for r in await tx.rounds.all()] == ["r1", "r2"]
        assert [r.id for r in await tx.rounds.with_status("open", "paused")] == ["r2"]
        assert [q["id"] for q in await tx.rounds.questions("r2")] == ["q1", "q2"]
        rnd = await tx.rounds.get("r2")
        assert rnd is not None and rnd.counted == 0 and rnd.results_while_open is False
        await tx.rounds.lock("r2")


async def test_participation_responses_views_and_marks(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        await tx.rounds.create(_round("r"), [])
        await tx.rounds.create(_round("old", "closed"), [])
        first = await tx.participation.ensure("r", "2026-11-24", ids["ana"], date(2026, 11, 24))
        again = await tx.participation.ensure("r", "2026-11-24", ids["ana"], date(2026, 11, 25))
        assert first.id == again.id and again.invited_on == date(2026, 11, 24)
        await tx.participation.ensure("r", "2026-12-01", ids["ana"], date(2026, 12, 1))
        await tx.participation.ensure("r", "2026-11-24", ids["ben"], date(2026, 11, 24))
        await tx.participation.ensure("old", "2026-11-01", ids["ana"], date(2026, 11, 1))
        await tx.commit()
    async with storage() as tx:
        assert [p.occurrence for p in await tx.participation.open_for(ids["ana"])] == [
            "2026-12-01", "2026-11-24"]  # open rounds only, newest first
        parts = await tx.participation.for_round("r")
        assert set(parts) == {("2026-11-24", ids["ana"]), ("2026-12-01", ids["ana"]),
                              ("2026-11-24", ids["ben"])}
        await tx.commit()
    async with storage() as tx:
        assert await tx.participation.counts("r") == (3, 0)
        await tx.responses.hold("r", "2026-11-24", [("q1", "", "text"), ("q2", "4", None)],
                                {"branch": "Central"}, "2026-W48")
        await tx.responses.hold("r", "2026-11-24", [("q2", "2", None)], {}, "2026-W48",
                                counted=False, author="a1")
        await tx.commit()
    async with storage() as tx:
        assert await tx.responses.held_rounds() == {"r"}
        held = await tx.responses.held_for("r")
        assert sorted(h.author or "" for h in held) == ["", "a1"]
        assert await tx.responses.next_batch("r") == 1
        await tx.responses.release([(h, h.occurrence, f"s{i}") for i, h in enumerate(held)], 1)
        await tx.responses.reseal({"r"})
        await tx.commit()
    async with storage() as tx:
        assert await tx.responses.held_for("r") == [] and await tx.responses.held_rounds() == set()
        rows = await tx.responses.for_round("r")
        assert sorted((r.question_id, r.value, r.text, r.batch) for r in rows) == [
            ("q1", "", "text", 1), ("q2", "2", None, 1), ("q2", "4", None, 1)]
        assert {r.submission for r in rows} == {"s0", "s1"}
        assert all(r.theme is None and r.week == "2026-W48" for r in rows)
        assert await tx.responses.next_batch("r") == 2
        plain = await tx.responses.rows_for_round("r")  # the same rows, as plain copies
        assert [(p.id, p.question_id, p.value, p.text, p.batch, p.submission, dict(p.segments))
                for p in plain] == [(r.id, r.question_id, r.value, r.text, r.batch,
                                     r.submission, r.segments) for r in rows]
        assert {p.segments.get("branch") for p in plain} == {"Central", None}
        # (responses, latest batch, with text, with a kept theme): retention changes it too
        assert await tx.responses.fingerprint("r") == (3, 1, 1, 0)
        assert await tx.responses.fingerprint("old") == (0, 0, 0, 0)
        commented = next(r for r in rows if r.text)
        commented.text, commented.theme = None, "Workload"
        await tx.responses.add("r", "2026-12-01", [("q2", "5", None)], {}, "2026-W49",
                               submission="s2", batch=2)
        assert await tx.responses.fingerprint("r") == (4, 2, 0, 1)
        await tx.views.record("r", "branch", "Central", "*", 1)
        await tx.views.record("r", "branch", "Central", "*", 1)
        await tx.views.record("r", "", "", "q2", 1)
        assert sorted(await tx.views.shown("r")) == [("", "", "q2", 1),
                                                     ("branch", "Central", "*", 1)]
        assert await tx.marks.add_once("k1", "r", "done") is True
        assert await tx.marks.add_once("k1", "r", "done") is False
        assert await tx.marks.add_once("k2", "r", "reflected") is True
        await tx.commit()
    async with storage() as tx:
        assert await tx.marks.has("k1") and not await tx.marks.has("nope")
        assert await tx.marks.keys("r", "done") == {"k1"}
        assert await tx.marks.rounds("reflected") == {"r"}
        await tx.marks.reseal({"r"})
        await tx.marks.delete("r", "done")
        await tx.commit()
    async with storage() as tx:
        assert await tx.marks.keys("r", "done") == set() and await tx.marks.has("k2")


async def test_states_outbox_and_enrolments(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        await tx.states.put(ids["ana"], "pulse", {"round": "r", "answers": {}}, NOW)
        await tx.states.put(ids["ana"], "pulse", {"round": "r", "pos": 2}, NOW)
        await tx.states.put(ids["ben"], "learn", {"track": "t"}, NOW)
        assert await tx.outbox.enqueue_once("k1", ids["ana"], "pulse.invite", {"a": 1}, NOW)
        assert not await tx.outbox.enqueue_once("k1", ids["ana"], "pulse.invite", {}, NOW)
        assert await tx.outbox.enqueue_once("k2", ids["ben"], "learn.step", {}, NOW)
        assert await tx.outbox.enqueue_once("k3", ids["ben"], "pulse.reminder", {},
                                            NOW + timedelta(hours=1))
        await tx.commit()
    async with storage() as tx:
        state = await tx.states.get(ids["ana"])
        assert state is not None and state.data == {"round": "r", "pos": 2}
        assert [s.person_id for s in await tx.states.in_flow("learn")] == [ids["ben"]]
        await tx.states.clear(ids["ana"])
        claimed = await tx.outbox.claim(NOW, timedelta(minutes=5))
        assert [c.key for c in claimed] == ["k1", "k2"] and claimed[0].payload == {"a": 1}
        assert all(c.attempts == 1 for c in claimed)
        await tx.commit()
    async with storage() as tx:
        assert await tx.states.get(ids["ana"]) is None
        assert await tx.outbox.claim(NOW, timedelta(minutes=5)) == []  # leased
        renewed = await tx.outbox.renew(claimed, NOW + timedelta(minutes=10))
        assert [r.lease_until for r in renewed] == [NOW + timedelta(minutes=10)] * 2
        assert await tx.outbox.renew(claimed, NOW) == []  # the old lease is stale
        await tx.outbox.settle([
            Outcome(renewed[0], "sent"),
            Outcome(renewed[1], "pending", "later", NOW + timedelta(minutes=1), refund=True),
            Outcome(claimed[1], "failed", "stale lease: ignored"),
        ], NOW)
        await tx.commit()
    async with storage() as tx:
        later = NOW + timedelta(hours=2)
        again = await tx.outbox.claim(later, timedelta(minutes=5))
        assert [(c.key, c.attempts) for c in again] == [("k2", 1), ("k3", 1)]
        await tx.outbox.settle([Outcome(again[1], "failed", "gone")], later)
        await tx.commit()
    async with storage() as tx:
        assert await tx.outbox.by_status() == {"sent": 1, "pending": 1, "failed": 1}
        rows = await tx.outbox.rows()
        assert [r.key for r in rows] == ["k1", "k2", "k3"] and rows[2].last_error == "gone"
        assert [r.key for r in await tx.outbox.recent(NOW + timedelta(seconds=30))] == ["k2",
                                                                                        "k3"]
        e, fresh = await tx.enrolments.enrol(ids["ana"], "t", date(2026, 11, 24), "self")
        assert fresh and e.status == "active" and e.sent == [] and e.last_sent_on is None
        assert (await tx.enrolments.enrol(ids["ana"], "t", date(2026, 11, 25), "self"))[1] \
            is False
        await tx.enrolments.enrol(ids["cy"], "t", date(2026, 11, 24), "admin")  # inactive
        await tx.enrolments.enrol(ids["ben"], "u", date(2026, 11, 24), "admin")
        e.status = "stopped"
        await tx.commit()
    async with storage() as tx:
        e2, fresh = await tx.enrolments.enrol(ids["ana"], "t", date(2026, 11, 26), "self")
        assert fresh and e2.status == "active" and e2.enrolled_on == date(2026, 11, 24)
        assert [x.track_id for x in await tx.enrolments.for_person(ids["ana"])] == ["t"]
        assert [x.person_id for x in await tx.enrolments.for_track("t")] == [ids["ana"],
                                                                             ids["cy"]]
        active = await tx.enrolments.active()
        assert [(x.track_id, p.handle) for x, p in active] == [("t", "ana"), ("u", "ben")]


async def test_mentorship(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        m = tx.mentorship
        await m.add_programme("lib", "Library", ids["ben"], {"topics": []})
        await m.add_cohort("c1", "lib", date(2026, 11, 24), 12)
        mentee = await m.add_member("c1", ids["ana"], "mentee")
        await m.add_member("c1", ids["ben"], "mentor")
        assert mentee.paused is False and mentee.goals == ""
        pair = await m.add_pair("c1", ids["ana"], ids["ben"], None, "active", date(2026, 11, 24))
        other = await m.add_pair("c1", ids["ana"], ids["cy"], ids["ben"], "proposed")
        checkin = await m.add_checkin(pair.id, ids["ana"], "2026-12-08", date(2026, 12, 14))
        await m.add_checkin(other.id, ids["ana"], "2026-12-08", date(2026, 12, 14))
        await m.record_shown("c1", date(2026, 12, 9), [3, 1])
        await tx.commit()
    async with storage() as tx:
        m = tx.mentorship
        assert [c.id for c in await m.cohorts("open")] == ["c1"]
        prog = await m.programme("lib")
        assert prog is not None and prog.lead_id == ids["ben"]
        assert [x.role for x in await m.members("c1")] == ["mentee", "mentor"]
        assert [x.cohort_id for x in await m.memberships(ids["ben"])] == ["c1"]
        assert (await m.member("c1", ids["ana"])) is not None
        assert [p.status for p in await m.pairs("c1")] == ["active", "proposed"]
        assert [p.status for p in await m.pairs(None, "proposed")] == ["proposed"]
        assert len(await m.pairs_of(ids["ana"])) == 2
        assert [p.id for p in await m.pairs_for_liaison(ids["ben"])] == [other.id]
        found = await m.checkin_for(pair.id, ids["ana"], "2026-12-08")
        assert found is not None and found.id == checkin.id and found.done is False
        assert found.met is None and found.help == ""
        assert len(await m.checkins([pair.id, other.id])) == 2
        [shown] = await m.shown_stats("c1")
        assert shown.checkins == [1, 3] and shown.shown_on == date(2026, 12, 9)
        await m.delete_pair(await m.pair(other.id))  # type: ignore[arg-type]
        await tx.commit()
    async with storage() as tx:
        assert await tx.mentorship.pair(other.id) is None
        assert len(await tx.mentorship.checkins([pair.id, other.id])) == 1  # cascaded


async def test_schedules_commitments_and_share_backs(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        later = _round("later", "scheduled")
        later.opened_at, later.opened_on = None, None
        later.starts_at, later.closes_on = NOW + timedelta(days=7), date(2026, 12, 9)
        await tx.rounds.create(later, [{"id": "q1", "kind": "open"}])
        await tx.rounds.create(_round("r", "closed"), [])
        await tx.rounds.append_questions("later", [{"id": "progress-1", "kind": "rating"},
                                                   {"id": "progress-2", "kind": "rating"}])
        first = await tx.commitments.add("r", "Paid training time", ids["ben"],
                                         date(2026, 12, 10))
        second = await tx.commitments.add("r", "Interpreters at every branch", None,
                                          date(2026, 12, 10))
        await tx.commitments.add("later", "Not this round's", None, date(2026, 12, 10))
        assert (first.number, second.number) == (1, 2)
        assert first.status == "planned" and first.announced == "" and first.note == ""
        assert await tx.sharebacks.add_once("r", NOW, ids["ben"], {"invited": 14})
        assert not await tx.sharebacks.add_once("r", NOW + timedelta(days=1), None, {})
        await tx.rounds.create(_round("r0", "closed"), [])
        assert await tx.sharebacks.add_once("r0", NOW - timedelta(days=30), None, {})
        await tx.commit()
    async with storage() as tx:
        rnd = await tx.rounds.get("later")
        assert rnd is not None and rnd.status == "scheduled" and rnd.waiting == []
        assert rnd.starts_at == NOW + timedelta(days=7) and rnd.closes_on == date(2026, 12, 9)
        assert [q["id"] for q in await tx.rounds.questions("later")] == [
            "q1", "progress-1", "progress-2"]
        assert (await tx.rounds.get("r")).starts_at is None  # type: ignore[union-attr]
        rnd.waiting = [ids["ben"]]
        done = (await tx.commitments.for_round("r"))[0]
        done.status, done.note, done.announced = "done", "in the budget", "planned"
        await tx.commit()
    async with storage() as tx:
        assert (await tx.rounds.get("later")).waiting == [ids["ben"]]  # type: ignore[union-attr]
        got = await tx.commitments.for_round("r")
        assert [(c.number, c.text, c.status, c.note) for c in got] == [
            (1, "Paid training time", "done", "in the budget"),
            (2, "Interpreters at every branch", "planned", "")]
        assert got[0].author_id == ids["ben"] and got[1].author_id is None
        share = await tx.sharebacks.get("r")
        assert share is not None and share.headline == {"invited": 14}
        assert share.sent_at == NOW and share.announced_at == NOW and share.announcements == 0
        assert [s.round_id for s in await tx.sharebacks.all()] == ["r", "r0"]
        assert await tx.sharebacks.get("later") is None


async def test_leaving_without_commit_changes_nothing(storage: Storage) -> None:
    ids = await _people(storage)
    async with storage() as tx:
        ana = await tx.people.by_handle("ana")
        assert ana is not None
        ana.branch = "Elsewhere"
        await tx.states.put(ids["ana"], "pulse", {"round": "r"}, NOW)
        await tx.outbox.enqueue_once("k", ids["ana"], "pulse.invite", {}, NOW)
    async with storage() as tx:
        again = await tx.people.by_handle("ana")
        assert again is not None and again.branch == "Central"
        assert await tx.states.get(ids["ana"]) is None and await tx.outbox.rows() == []
        await tx.states.put(ids["ana"], "pulse", {"round": "r"}, NOW)
        await tx.commit()  # what comes after a commit is a new transaction
        await tx.states.clear(ids["ana"])
    async with storage() as tx:
        assert await tx.states.get(ids["ana"]) is not None


def test_the_fake_has_every_method_of_the_ports_with_the_same_parameters() -> None:
    import inspect

    from conversations import ports
    from storage import repositories as sql
    from tests import fake_bulk, fakes

    for name in ("People", "Identities", "Rounds", "Participations", "Responses", "Views",
                 "Marks", "States", "Outbox", "Enrolments", "Mentorship", "Heartbeats",
                 "Commitments", "ShareBacks"):
        port = getattr(ports, name)
        wanted = {m: list(inspect.signature(f).parameters)
                  for m, f in vars(port).items() if inspect.isfunction(f) and m[0] != "_"}
        assert wanted, name
        for impl in (getattr(fakes, name, None) or getattr(fake_bulk, name), getattr(sql, name)):
            have = {m: list(inspect.signature(getattr(impl, m)).parameters)
                    for m in wanted if hasattr(impl, m)}
            assert have == wanted, f"{impl.__module__}.{name}"


async def test_lookups_for_a_batch_answer_as_one_at_a_time(storage: Storage) -> None:
    """The delivery worker's batch lookups agree with the one-at-a-time ones."""
    ids = await _people(storage)
    async with storage() as tx:
        await tx.identities.link(ids["ana"], "slack", "T1", "U1", "D1", "")
        await tx.identities.link(ids["ana"], "teams", "tenant", "29:a", "", "ref")
        await tx.identities.link(ids["ben"], "slack", "T1", "U2")
        await tx.rounds.create(_round("r"), [])
        await tx.participation.ensure("r", "2026-11-24", ids["ana"], date(2026, 11, 24))
        await tx.participation.ensure("r", "2026-12-01", ids["ben"], date(2026, 12, 1))
        await tx.marks.add_once("k1", "r", "done")
        await tx.commit()
    async with storage() as tx:
        wanted = [ids["ana"], ids["cy"], 999]
        assert sorted(p.handle for p in await tx.people.many(wanted)) == ["ana", "cy"]
        assert await tx.people.many([]) == []
        parts = await tx.participation.of("r", "2026-11-24", [ids["ana"], ids["ben"]])
        assert list(parts) == [ids["ana"]] and parts[ids["ana"]].occurrence == "2026-11-24"
        assert await tx.participation.of("r", "2026-11-24", []) == {}
        assert await tx.marks.having(["k1", "k2"]) == {"k1"}
        assert await tx.marks.having([]) == set()


async def test_routes_are_stored_for_many_accounts_at_once(storage: Storage) -> None:
    """The delivery worker stores the DM channels and Teams conversations it resolved in one
    statement: a stored part is kept where the new one is empty, and an account unlinked
    meanwhile is not linked again."""
    ids = await _people(storage)
    async with storage() as tx:
        await tx.identities.link(ids["ana"], "slack", "T1", "U1")
        await tx.identities.link(ids["ben"], "teams", "tenant", "29:b", "", "old-ref")
        await tx.commit()
    async with storage() as tx:
        await tx.identities.set_routes([("slack", "T1", "U1", "D1", ""),
                                        ("teams", "tenant", "29:b", "a:conv", ""),
                                        ("slack", "T1", "U9", "D9", "")])
        await tx.identities.set_routes([])
        await tx.commit()
    async with storage() as tx:
        found = await tx.identities.for_people([ids["ana"], ids["ben"]])
        assert [(i.user_id, i.conversation_id, i.reference)
                for pid in (ids["ana"], ids["ben"]) for i in found[pid]] == [
            ("U1", "D1", ""), ("29:b", "a:conv", "old-ref")]
        assert await tx.identities.account("slack", "T1", "U9") is None
