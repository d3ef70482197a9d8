"""The bulk queries of the clock's planners, directory sync and roster import, and the
heartbeats, held to one contract on the in-memory fake, SQLite and PostgreSQL (the fixtures
of tests/test_repositories.py)."""

from __future__ import annotations

from datetime import date, timedelta

from storage.models import Planned
from tests.test_repositories import NOW, PEOPLE, Storage, _people, _round, storage  # noqa: F401

LA, NY = "America/Los_Angeles", "America/New_York"


async def test_people_in_zones_to_invite_and_to_remind(storage: Storage) -> None:  # noqa: F811
    ids = await _people(storage)  # ana (LA, Central), ben (UTC, Eastside), cy (inactive)
    async with storage() as tx:
        assert await tx.people.zones() == {LA, "UTC"}  # cy is inactive
        await tx.rounds.create(_round("r"), [])
        await tx.identities.link(ids["ana"], "slack", "T1", "U1")
        everyone = await tx.people.to_invite("r", "o1", [LA, "UTC", NY], {}, None)
        assert [p.handle for p in everyone] == ["ana", "ben"]
        assert [p.handle for p in await tx.people.to_invite("r", "o1", [LA], {}, None)] == ["ana"]
        assert [p.handle for p in await tx.people.to_invite(
            "r", "o1", [LA, "UTC"], {}, ["slack"])] == ["ana"]  # ben has no Slack account
        assert await tx.people.to_invite("r", "o1", [LA, "UTC"], {}, ["teams"]) == []
        assert [p.handle for p in await tx.people.to_invite(
            "r", "o1", [LA, "UTC"], {"branch": "Eastside"}, None)] == ["ben"]
        await tx.participation.ensure_many("r", "o1", [ids["ana"], ids["ben"]], NOW.date())
        await tx.participation.ensure_many("r", "o1", [ids["ana"]], NOW.date())  # no-op
        await tx.commit()
    async with storage() as tx:
        assert await tx.people.to_invite("r", "o1", [LA, "UTC"], {}, None) == []
        assert len(await tx.people.to_invite("r", "o2", [LA, "UTC"], {}, None)) == 2
        assert await tx.participation.counts("r") == (2, 0)
        behind = await tx.participation.to_remind("r", "o1", [LA, "UTC"], {}, None, 1)
        assert [p.person_id for p in behind] == [ids["ana"], ids["ben"]]
        assert [p.person_id for p in await tx.participation.to_remind(
            "r", "o1", ["UTC"], {}, None, 1)] == [ids["ben"]]
        await tx.participation.remind([behind[0].id], 2)
        await tx.participation.remind([behind[0].id], 1)  # never lowered
        await tx.commit()
    async with storage() as tx:
        parts = await tx.participation.for_round("r")
        assert parts[("o1", ids["ana"])].reminders == 2
        assert [p.person_id for p in await tx.participation.to_remind(
            "r", "o1", [LA, "UTC"], {}, None, 2)] == [ids["ben"]]
        assert [p.person_id for p in await tx.participation.to_remind(
            "r", "o1", [LA, "UTC"], {}, ["slack"], 3)] == [ids["ana"]]  # ben: no Slack
        got = await tx.people.get_many([ids["ana"], ids["cy"], 999])
        assert sorted(p.handle for p in got.values()) == ["ana", "cy"]


async def test_outbox_marks_states_and_learning_due(storage: Storage) -> None:  # noqa: F811
    ids = await _people(storage)
    today = NOW.date()
    async with storage() as tx:
        rows = [Planned("k1", ids["ana"], "pulse.invite", {"a": 1}, NOW),
                Planned("k2", ids["ben"], "learn.step", {}, NOW)]
        assert await tx.outbox.enqueue_many(rows) == {"k1", "k2"}
        assert await tx.outbox.enqueue_many(
            [*rows, Planned("k3", ids["ben"], "pulse.reminder", {}, NOW)]) == {"k3"}
        assert await tx.outbox.enqueue_many([]) == set()
        await tx.states.put(ids["ben"], "pulse", {"paused": False}, NOW)
        await tx.rounds.create(_round("r0"), [])
        await tx.marks.add_once("m1", "r0", "done")
        for pid, track, last, snooze in ((ids["ana"], "t", None, None),
                                         (ids["ben"], "t", today - timedelta(days=7), None),
                                         (ids["ben"], "u", today - timedelta(days=1), None)):
            e, _ = await tx.enrolments.enrol(pid, track, today - timedelta(days=30), "admin")
            e.last_sent_on, e.snoozed_until = last, snooze
        await tx.commit()
    async with storage() as tx:
        assert [r.key for r in await tx.outbox.rows()] == ["k1", "k2", "k3"]
        assert [r.key for r in await tx.outbox.recent_for([ids["ben"]], NOW)] == ["k2", "k3"]
        assert await tx.outbox.recent_for([ids["ben"]], NOW + timedelta(seconds=1)) == []
        assert await tx.marks.present(["m1", "nope"]) == {"m1"}
        assert set(await tx.states.for_people([ids["ana"], ids["ben"]])) == {ids["ben"]}
        zones = [LA, "UTC"]
        cutoff = today - timedelta(days=7)
        due = await tx.enrolments.due(["t", "u"], zones, today, cutoff, None)
        assert [(e.track_id, p.handle) for e, p in due] == [("t", "ana"), ("t", "ben")]
        assert await tx.enrolments.due(["u"], zones, today, cutoff, None) == []  # cadence
        assert [p.handle for _, p in await tx.enrolments.due(["t"], ["UTC"], today, cutoff,
                                                             None)] == ["ben"]
        quiet = {LA: NOW - timedelta(hours=1), "UTC": NOW - timedelta(hours=1)}
        held = await tx.enrolments.due(["t"], zones, today, cutoff, None, ["pulse."], quiet)
        assert [p.handle for _, p in held] == [], "both were sent a survey message today"
        later = {LA: NOW + timedelta(hours=1), "UTC": NOW - timedelta(hours=1)}
        held = await tx.enrolments.due(["t"], zones, today, cutoff, None, ["pulse."], later)
        assert [p.handle for _, p in held] == ["ana"]
        ben = [e for e in await tx.enrolments.for_person(ids["ben"]) if e.track_id == "u"][0]
        ben.last_sent_on = today  # a step went today: nothing more for ben today
        ana = (await tx.enrolments.for_person(ids["ana"]))[0]
        ana.snoozed_until = today + timedelta(days=1)
        await tx.commit()
    async with storage() as tx:
        assert await tx.enrolments.due(["t", "u"], zones, today, cutoff, None) == []
        tomorrow = await tx.enrolments.due(["t"], [LA], today + timedelta(days=1), cutoff, None)
        assert [p.handle for _, p in tomorrow] == ["ana"]  # the snooze has ended


async def test_directory_and_roster_bulk(storage: Storage) -> None:  # noqa: F811
    ids = await _people(storage)
    async with storage() as tx:
        assert await tx.people.revision() == 1
        assert await tx.people.emails() == {"ana": "ana@example.org", "ben": "ben@example.org",
                                            "cy": ""}
        assert sorted(await tx.people.names()) == ["Ana A", "Ben B", "Cy C"]
        found = await tx.people.by_emails(["ANA@example.org", "nobody@example.org", ""])
        assert {k: p.handle for k, p in found.items()} == {"ana@example.org": "ana"}
        await tx.identities.link_many([
            (ids["ana"], ("slack", "T1", "U1"), "D1", ""),
            (ids["ben"], ("slack", "T1", "U2"), "", ""),
            (ids["ben"], ("teams", "tenant", "29:b"), "", "ref")])
        await tx.identities.link_many([(ids["ana"], ("slack", "T1", "U1"), "", "r2")])
        await tx.commit()
    async with storage() as tx:
        linked = await tx.identities.people_for([("slack", "T1", "U1"), ("slack", "T1", "U2"),
                                                 ("slack", "T2", "U1"), ("teams", "tenant",
                                                                         "29:b")])
        assert {k: p.handle for k, p in linked.items()} == {
            ("slack", "T1", "U1"): "ana", ("slack", "T1", "U2"): "ben",
            ("teams", "tenant", "29:b"): "ben"}
        idents = await tx.identities.for_people([ids["ana"], ids["ben"], ids["cy"]])
        assert sorted(idents) == [ids["ana"], ids["ben"]]
        [ana] = idents[ids["ana"]]
        assert (ana.conversation_id, ana.reference) == ("D1", "r2"), "kept, then added"
        await tx.identities.unlink_many([("slack", "T1", "U2"), ("slack", "T9", "U9")])
        ben = await tx.people.get(ids["ben"])  # held by this transaction, and updated
        await tx.people.update_many([(ids["ben"], {"timezone": NY, "locale": "en"}),
                                     (ids["cy"], {})])
        assert ben is not None and (ben.timezone, ben.locale) == (NY, "en")
        # the same names again: no new revision; a new name: a new one
        assert await tx.people.upsert([({"handle": "ana"}, {"branch": "X"})]) == (0, 1)
        assert await tx.people.revision() == 1
        assert await tx.people.upsert([
            ({"handle": "ana"}, {"display_name": "Ana Z"}),
            ({**PEOPLE[0], "handle": "dee", "email": "dee@example.org"}, {})]) == (1, 1)
        assert await tx.people.revision() == 2
        ana_p = await tx.people.by_handle("ana")
        assert ana_p is not None and (ana_p.display_name, ana_p.branch) == ("Ana Z", "X")
        await tx.commit()
    async with storage() as tx:
        assert sorted(await tx.identities.people_for([("slack", "T1", "U2")])) == []
        assert [p.handle for p in await tx.people.all()] == ["ana", "ben", "cy", "dee"]
        assert await tx.people.zones() == {LA, NY}


async def test_heartbeats_and_bulk_checkins(storage: Storage) -> None:  # noqa: F811
    ids = await _people(storage)
    async with storage() as tx:
        assert await tx.heartbeats.latest() == {}
        await tx.heartbeats.beat("clock", "host-a:1", NOW - timedelta(days=2))
        await tx.heartbeats.beat("clock", "host-b:2", NOW - timedelta(minutes=1))
        await tx.heartbeats.beat("worker", "host-a:3", NOW - timedelta(minutes=5))
        await tx.heartbeats.beat("worker", "host-a:3", NOW)  # the same process again
        await tx.commit()
    async with storage() as tx:
        assert await tx.heartbeats.latest() == {"clock": ("host-b:2", NOW - timedelta(minutes=1)),
                                                "worker": ("host-a:3", NOW)}
        await tx.heartbeats.beat("clock", "host-b:2", NOW)  # forgets host-a, two days quiet
        await tx.commit()
    async with storage() as tx:
        assert await tx.heartbeats.latest() == {"clock": ("host-b:2", NOW),
                                                "worker": ("host-a:3", NOW)}
        m = tx.mentorship
        await m.add_programme("lib", "Library", ids["ben"], {})
        await m.add_cohort("c1", "lib", date(2026, 11, 24), 12)
        pair = await m.add_pair("c1", ids["ana"], ids["ben"], None, "active")
        rows = [(pair.id, ids["ana"], "2026-12-08", date(2026, 12, 14)),
                (pair.id, ids["ben"], "2026-12-08", date(2026, 12, 14))]
        await m.add_checkins(rows)
        await m.add_checkins(rows[:1])  # already there
        await tx.commit()
    async with storage() as tx:
        checkins = await tx.mentorship.checkins([pair.id])
        assert sorted(c.person_id for c in checkins) == sorted([ids["ana"], ids["ben"]])
        assert all(c.done is False and c.help == "" for c in checkins)
