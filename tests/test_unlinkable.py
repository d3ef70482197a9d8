"""Nothing stored ties an answer to a person: read every table as someone with database access
would, system columns included (PostgreSQL `xmin`; SQLite storage order and free space)."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core, Outward
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.keyed import open_held
from tests.support import TUESDAY_9AM_LA, Console, wired

K = 5
NEAR = 3  # transaction ids this close count as "linked"


@contextlib.asynccontextmanager
async def round_open(url: str, clock: FakeClock) -> AsyncIterator[Outward]:
    """Outward on `url` with the listening tour started by amara and its invitations planned."""
    app = await wired(url, clock)
    Console(app, clock)
    try:
        await app.router(TextReceived(console_address("amara"), "/pulse start listening-tour"))
        await app.tick()
        yield app
    finally:
        await app.close()


async def finish(app: Core, handle: str, comment: str = "skip") -> None:
    who = console_address(handle)
    await app.router(TextReceived(who, "/pulse"))
    replies = []
    for line in ["no", comment, "skip", "skip", "skip", "4", "skip", "skip", "skip", "skip"]:
        replies = await app.router(TextReceived(who, line))
    assert replies[-1].text.startswith(("*Thank you", "*Gracias")), replies[-1].text


async def xmin_rule_holds(app: Outward) -> list[str]:
    """The issue's rule, checked on PostgreSQL system columns: for every completed
    participation row, no answer row (held or released) written by a transaction holding fewer
    than k submissions has an xmin within NEAR ids of it, unless that participation row's xmin
    is shared by at least k people. Returns the violations."""
    async with app.engine.connect() as conn:
        parts = [int(x) for (x,) in (await conn.execute(text(
            "SELECT xmin::text::bigint FROM participation WHERE completed"))).all()]
        held = [int(x) for (x,) in (await conn.execute(text(
            "SELECT xmin::text::bigint FROM held_submissions"))).all()]
        released = (await conn.execute(text(
            "SELECT xmin::text::bigint, submission FROM responses"))).all()
    shared = Counter(parts)
    subs_per_tx: dict[int, set[object]] = {}
    for x, sub in released:
        subs_per_tx.setdefault(int(x), set()).add(sub)
    for x in held:  # one held row is one submission
        subs_per_tx.setdefault(x, set()).add(("held", x, len(subs_per_tx.get(x, ()))))
    small = [x for x, subs in subs_per_tx.items() if len(subs) < K]
    return [f"participation xmin {p} (shared by {shared[p]}) near answers xmin {a}"
            for p in parts if shared[p] < K for a in small if abs(p - a) <= NEAR]


async def test_finishing_leaves_no_transaction_id_link_on_postgresql(postgres_url: str) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    async with round_open(postgres_url, clock) as app:
        # three people finish: fewer than k, so their answers are held
        for handle in ("dana", "tom", "mei"):
            await finish(app, handle, f"{handle} says the desk needs cover")
            await app.tick()
            assert await xmin_rule_holds(app) == []
        async with app.engine.connect() as conn:
            completed = (await conn.execute(text(
                "SELECT count(*) FROM participation WHERE completed"))).scalar()
            part_x = {x for (x,) in (await conn.execute(text(
                "SELECT xmin::text FROM participation"))).all()}
            held_x = {x for (x,) in (await conn.execute(text(
                "SELECT xmin::text FROM held_submissions"))).all()}
            marks = (await conn.execute(text("SELECT * FROM private_marks"))).mappings().all()
        # the reported bug: completion and answers written in the same transaction; and held
        # rows are rewritten together on each tick, so none keeps its author's moment
        assert completed == 0 and len(held_x) == 1 and not part_x & held_x
        assert {tuple(m.keys()) for m in marks} == {("key", "round_id", "kind")}
        # two more: k are waiting; the clock releases their answers and counts them, but no
        # person-linked row records who finished while the round is open
        for handle in ("sam", "luis"):
            await finish(app, handle)
            assert await xmin_rule_holds(app) == []
        await app.tick()
        async with app.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM held_submissions"))).scalar() \
                == 0
            assert (await conn.execute(text(
                "SELECT count(*) FROM participation WHERE completed"))).scalar() == 0
            assert (await conn.execute(text(
                "SELECT count(DISTINCT xmin::text) FROM private_marks"))).scalar() == 1
        status = await app.router(TextReceived(console_address("jordan"),
                                               "/pulse status listening-tour"))
        assert "completed 5" in status[0].text
        assert await xmin_rule_holds(app) == []
        # one more finishes and the round closes: the remainder (fewer than k) is released in
        # the closing transaction; the round counts six finishes, and no participation row
        # is touched (nothing per person says who finished)
        await finish(app, "will")
        assert await xmin_rule_holds(app) == []
        async with app.engine.connect() as conn:
            before = (await conn.execute(text(
                "SELECT id, xmin::text FROM participation ORDER BY id"))).all()
        out = await app.router(TextReceived(console_address("amara"),
                                            "/pulse close listening-tour"))
        assert "6 of 14 invited people finished" in out[0].text
        assert await xmin_rule_holds(app) == []
        async with app.engine.connect() as conn:
            after = (await conn.execute(text(
                "SELECT id, xmin::text FROM participation ORDER BY id"))).all()
            done = (await conn.execute(text(
                "SELECT count(*) FROM participation WHERE completed"))).scalar()
            marks = (await conn.execute(text("SELECT count(*) FROM private_marks"))).scalar()
        assert done == 0 and marks == 0 and after == before and len(after) >= K


async def test_sqlite_storage_order_and_free_space_keep_no_link(tmp_path: Path) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    db = tmp_path / "outward.db"
    async with round_open(f"sqlite+aiosqlite:///{db}", clock) as app:
        # dana types a comment, goes back and replaces it, then finishes
        dana = console_address("dana")
        await app.router(TextReceived(dana, "/pulse"))
        await app.router(TextReceived(dana, "no"))
        await app.router(TextReceived(dana, "A first draft about the ZEBRAFISH rota"))
        await app.router(TextReceived(dana, "back"))
        await app.router(TextReceived(dana, "Second thoughts: the rota is fine"))
        for line in ["skip", "skip", "4", "skip", "skip", "skip", "skip"]:
            await app.router(TextReceived(dana, line))
        for handle in ("tom", "mei", "sam"):
            await finish(app, handle)
        async with app.engine.connect() as conn:
            tables = dict((await conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type='table'"))).all())
            held_ids = [i for (i,) in (await conn.execute(text(
                "SELECT id FROM held_submissions"))).all()]
            secure = (await conn.execute(text("PRAGMA secure_delete"))).scalar()
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        # answers, held answers and marks live in tables ordered by a random key, never by
        # the order people finished in
        for name in ("responses", "held_submissions", "private_marks"):
            assert "WITHOUT ROWID" in tables[name].upper(), name
        assert held_ids == sorted(held_ids) and len(held_ids) == 4
        # the draft dana replaced and the draft deleted at submit leave nothing in free space
        assert secure == 1
        raw = _file_bytes(db) + _file_bytes(Path(f"{db}-wal"))
        assert b"ZEBRAFISH" not in raw
        # held until a batch of k, sealed: a reader who saw dana finish cannot read it
        assert b"Second thoughts" not in raw


def _file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


async def test_a_finished_person_is_not_reminded_and_the_outbox_does_not_say_who_finished(
    sql_app: Outward, clock: FakeClock
) -> None:
    """One person finishes (held: fewer than k). Reminders go out over the following week: she
    gets none, but her outbox rows look exactly like everyone's, so the outbox cannot name the
    author of the one held submission."""
    console = Console(sql_app, clock)
    await console.say("/pulse start listening-tour", ":clock 09:30")
    await finish(sql_app, "dana", "The desk needs cover on Saturdays")
    out = await console.say(":as dana", "/pulse")
    assert "no survey open for you" in out  # not asked again while the answers are held
    out = await console.say(":clock +3d", ":clock +3d")  # both reminders are due
    assert "(to tom) A reminder" in out and "(to dana)" not in out
    async with sql_app.engine.connect() as conn:
        held = (await conn.execute(text("SELECT count(*) FROM held_submissions"))).scalar()
        rows = (await conn.execute(text(
            "SELECT p.handle, o.key, o.kind, o.payload, o.due_at, o.status, o.attempts, "
            "o.sent_at, o.last_error FROM outbox o JOIN people p ON p.id = o.person_id "
            "WHERE o.kind = 'pulse.reminder'"))).all()
    assert held == 1
    seen: dict[str, list[tuple[object, ...]]] = {}
    for handle, key, *rest in rows:
        seen.setdefault(handle, []).append((key.rsplit(":", 1)[-1], *rest))
    assert "dana" in seen, "someone left out of the reminders is someone who finished"
    assert sorted(seen["dana"]) == sorted(seen["tom"])  # same zone: the same rows
    assert {len(v) for v in seen.values()} == {2}


async def test_stored_segments_never_name_fewer_than_k_invited_people(
    sql_app: Outward, clock: FakeClock
) -> None:
    """Luis is the only Central / Page / PT person on the roster. Reading the roster and the
    answers' segments, a database reader must find at least k invited people behind every
    stored combination, held or released."""
    console = Console(sql_app, clock)
    await console.say("/pulse start listening-tour", ":clock 09:30")
    luis = console_address("luis")
    await sql_app.router(TextReceived(luis, "/pulse"))
    replies = []
    for line in ["sí", "Necesitamos más intérpretes", "skip", "skip", "skip", "2", "skip",
                 "skip", "skip", "skip"]:
        replies = await sql_app.router(TextReceived(luis, line))
    receipt = replies[-1].text
    for handle in ("dana", "tom", "mei", "sam"):  # k finishes: released as a batch
        await finish(sql_app, handle)
    async with sql_app.engine.connect() as conn:
        people = (await conn.execute(text(
            "SELECT DISTINCT p.branch, p.classification, p.employment FROM people p "
            "JOIN participation x ON x.person_id = p.id"))).all()
        invited = (await conn.execute(text(
            "SELECT p.branch, p.classification, p.employment FROM people p "
            "WHERE p.id IN (SELECT person_id FROM participation)"))).all()
        stored = [s for (s,) in (await conn.execute(text(
            "SELECT segments FROM held_submissions UNION ALL "
            "SELECT segments FROM responses"))).all()]
    assert people and stored
    fields = ("branch", "classification", "employment")
    for raw in stored:
        segs = json.loads(raw) if isinstance(raw, str) else raw
        behind = [p for p in invited
                  if all(dict(zip(fields, p, strict=True))[f] == v for f, v in segs.items())]
        assert len(behind) >= K, (segs, len(behind))
    assert "Solo se incluye esto: Central." in receipt  # he is told what was kept


def test_segments_are_coarsened_alike_for_everyone_from_the_invited_alone() -> None:
    from conversations.results.segments import recode

    invited = {("Central", "Manager", "FT"): 1, ("Central", "Librarian", "FT"): 2,
               ("Central", "Library Assistant", "PT"): 1, ("Central", "Page", "PT"): 1,
               ("Eastside", "Library Assistant", "FT"): 1, ("Eastside", "Clerk", "PT"): 1,
               ("Eastside", "Librarian", "FT"): 1, ("Eastside", "Manager", "FT"): 1,
               ("North", "Librarian", "FT"): 6, ("North", "Page", "PT"): 1,
               ("South", "Page", "PT"): 4, ("", "", ""): 3}
    stored = recode(invited, K)
    assert stored[("North", "Librarian", "FT")] == {
        "branch": "North", "classification": "Librarian", "employment": "FT"}
    # the Pages of three branches make a group of six at the Page/PT level
    assert stored[("Central", "Page", "PT")] == stored[("North", "Page", "PT")] == \
        stored[("South", "Page", "PT")] == {"classification": "Page", "employment": "PT"}
    # the rest of Central (four) and Eastside (four) share only FT with enough others
    assert stored[("Central", "Manager", "FT")] == stored[("Eastside", "Manager", "FT")] == {
        "employment": "FT"}
    assert stored[("Eastside", "Clerk", "PT")] == stored[("", "", "")] == {}
    # every stored combination stands for at least k invited people
    behind: Counter[tuple[tuple[str, str], ...]] = Counter()
    for combo, segs in stored.items():
        if segs:
            behind[tuple(sorted(segs.items()))] += invited[combo]
    assert behind and min(behind.values()) >= K


async def test_a_draft_in_progress_shows_a_database_reader_nothing_it_holds(
    sql_app: Outward, clock: FakeClock, sqlite_url: str
) -> None:
    """Dana is partway through: her row in conversation_state names her, so it must not show
    her answers, her consent or how far she got; she still picks up where she left off."""
    console = Console(sql_app, clock)
    await console.say("/pulse start listening-tour", ":clock 09:30")
    out = await console.say(":as dana", "1", "1", "The ZEBRAFISH rota is unfair", "skip",
                            "skip", "skip", "2", "stop")
    assert "Paused" in out
    async with sql_app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT person_id, flow, data FROM conversation_state"))
                ).all()
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    [(person, flow, data)] = rows
    assert flow == "pulse"
    assert "ZEBRAFISH" not in data and '"answers"' not in data and '"share"' not in data
    assert '"pos"' not in data
    db = Path(sqlite_url.split("///", 1)[1])
    assert b"ZEBRAFISH" not in _file_bytes(db) + _file_bytes(Path(f"{db}-wal"))
    out = await console.say("continue")
    assert "Welcome back" in out and "Question 5 of 8" in out and "Why did you choose" in out
    out = await console.say("skip", "skip", "skip", "skip")
    assert "Thank you" in out
    async with sql_app.engine.connect() as conn:
        held = (await conn.execute(text("SELECT answers FROM held_submissions"))).scalar()
    # held without a person until a batch of k, and sealed: what she wrote shows only once
    # it is released among k others
    assert "ZEBRAFISH" not in str(held)
    opened = open_held(sql_app.deps.keyed, "listening-tour", json.loads(str(held)), {})
    assert opened is not None and "ZEBRAFISH" in str(opened[0])


async def test_storage_order_on_postgresql_is_not_the_order_people_finished_in(
    postgres_url: str
) -> None:
    """PostgreSQL's heap keeps rows in the order they were written, and an UPDATE rewrites them
    in that order: held answers and finish marks would line up, row for row, in the order
    people finished (whoever holds OUTWARD_SECRET knows whose mark is whose, so then whose
    answers are whose). After the clock's tick both are stored in the order of random keys."""
    clock = FakeClock(TUESDAY_9AM_LA)
    async with round_open(postgres_url, clock) as app:
        for handle in ("dana", "tom", "mei", "sam"):  # fewer than k: held
            await finish(app, handle, f"{handle} says the desk needs cover")
        await app.tick()
        async with app.engine.connect() as conn:
            held = [i for (i,) in (await conn.execute(text(
                "SELECT id FROM held_submissions ORDER BY ctid"))).all()]
            marks = [k for (k,) in (await conn.execute(text(
                "SELECT key FROM private_marks ORDER BY ctid"))).all()]
            answers = (await conn.execute(text(
                "SELECT answers::text FROM held_submissions"))).scalars().all()
        assert len(held) == len(marks) == 4
        assert held == sorted(held) and marks == sorted(marks)
        assert not any("desk" in a for a in answers)  # sealed while held
        opened = [open_held(app.deps.keyed, "listening-tour", json.loads(a), {})
                  for a in answers]
        assert sum("says the desk needs cover" in str(o) for o in opened) == 4  # nothing lost
        assert await xmin_rule_holds(app) == []


async def test_after_close_nothing_says_who_finished_even_when_fewer_than_k_did(
    sql_app: Outward, clock: FakeClock
) -> None:
    """Two of fourteen finish and the round closes. Their answers join the stored results;
    a completed flag on their participation rows would hand each answer to one of two
    people. The round keeps the count only."""
    console = Console(sql_app, clock)
    await console.say("/pulse start listening-tour", ":clock 09:30")
    for handle in ("dana", "tom"):
        await finish(sql_app, handle, f"A comment about the rota from {handle}")
    out = await console.say("/pulse close listening-tour")
    assert "2 of 14 invited people finished" in out
    async with sql_app.engine.connect() as conn:
        submissions = (await conn.execute(text(
            "SELECT count(DISTINCT submission) FROM responses"))).scalar()
        flagged = (await conn.execute(text(
            "SELECT count(*) FROM participation WHERE completed"))).scalar()
        marks = (await conn.execute(text("SELECT count(*) FROM private_marks"))).scalar()
        rows = (await conn.execute(text(
            "SELECT DISTINCT reminders, invited_on FROM participation"))).all()
    assert submissions == 2  # kept, as every answer is
    assert flagged == 0 and marks == 0 and len(rows) == 1  # every row says the same
    out = await console.say("/pulse status listening-tour")
    assert "2 of 14 invited people finished" in out


# Tables whose rows name a person (by id), and the tables written when a chair acts on a
# closed round (share-backs, the views recorded for differencing and "since" lines).
PERSON_TABLES = ("participation", "outbox", "conversation_state", "identities", "enrolments")
CHAIR_TABLES = ("share_backs", "shown_views", "commitments")


async def test_a_series_with_share_backs_and_carried_commitments_keeps_no_link_on_postgresql(
    postgres_url: str,
) -> None:
    """Three rounds of a series on PostgreSQL: answers, commitments (one carried over), the
    share-backs sent and delivered, and the chair's /themes with group views. A database reader
    then looks at every transaction id (`xmin`, and `xmax`, which a row lock such as a foreign
    key check leaves on a person's row) and finds no person-linked or chair-written row in a
    transaction that wrote answers, and no stored headline figure the chair's view hides."""
    from tests.test_loop import FIVE, LT, closed_round

    clock = FakeClock(TUESDAY_9AM_LA)
    app = await wired(postgres_url, clock)
    console = Console(app, clock)
    try:
        await closed_round(console)
        await console.say(f"/pulse commit {LT} Paid training time",
                          f"/pulse commit {LT} Interpreters for story times",
                          f"/pulse commit {LT} 2 started", f"/pulse share {LT} send",
                          ":clock +1d", ":clock +7d")
        await closed_round(console, round_id="lt-2", start=f"/pulse start {LT} as lt-2",
                           progress=[["3", "1" if i % 2 else "2"] for i in range(len(FIVE))])
        await console.say("/themes lt-2", "/themes lt-2 branch=Central",
                          "/themes lt-2 employment=FT", "/pulse commit lt-2 carry 2",
                          "/pulse share lt-2 send", ":clock +1d", ":clock +7d")
        await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3",
                           progress=[["4" if i % 2 else "5"] for i in range(len(FIVE))])
        out = await console.say("/themes lt-3", "/themes lt-3 employment=FT",
                                "/pulse share lt-3 send", ":clock +1d")
        assert "Since lt-2" in out, out
        async with app.engine.connect() as conn:
            answer_tx = {int(x) for (x,) in (await conn.execute(text(
                "SELECT DISTINCT xmin::text FROM responses"))).all()}
            per_tx = dict((await conn.execute(text(
                "SELECT xmin::text::bigint, count(DISTINCT submission) FROM responses "
                "GROUP BY 1"))).all())
            touched: dict[str, set[int]] = {}
            for table in (*PERSON_TABLES, *CHAIR_TABLES, "people"):
                rows = (await conn.execute(text(
                    f"SELECT xmin::text::bigint, xmax::text::bigint FROM {table}"))).all()
                touched[table] = {x for pair in rows for x in pair if x}
            heads = (await conn.execute(text("SELECT round_id, headline FROM share_backs"))
                     ).all()
            sent = (await conn.execute(text(
                "SELECT count(*) FROM outbox WHERE kind LIKE 'loop.%' AND status = 'sent'"))
                    ).scalar()
        # every transaction that stored answers holds at least k submissions
        assert min(per_tx.values()) >= K, per_tx
        for table, xs in touched.items():
            assert not xs & answer_tx, (table, sorted(xs & answer_tx))
        # the share-backs went out, and what they keep is what a chair's view shows: no part
        # of a rating from fewer than k people, no share where its part is hidden
        assert len(heads) == 3 and sent
        for round_id, raw in heads:
            head = json.loads(raw) if isinstance(raw, str) else raw
            assert head["shown"], round_id
            for rating in head["ratings"]:
                for part in rating["parts"]:
                    assert part["count"] in (None, 0) or part["count"] >= K, (round_id, rating)
                    assert (part["count"] is None) == (part["pct"] is None), (round_id, rating)
    finally:
        await app.close()


async def test_answers_held_under_another_secret_stay_held_and_the_rest_are_released(
        clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    """OUTWARD_SECRET changed while answers were held: those cannot be opened, by the app or
    anyone, so they stay held (said in the log, without their content); the others are
    released at close as usual."""
    from conversations.keyed import KeyedHash, seal_held
    from conversations.results.release import release_round
    from tests.support import in_memory

    app = await in_memory(clock)
    await app.router(TextReceived(console_address("amara"), "/pulse start listening-tour"))
    async with app.deps.uow() as tx:
        for i in range(5):
            await tx.responses.hold("listening-tour", "2026-11-24", [], {}, "2026-W48",
                                    sealed=seal_held(app.deps.keyed, "listening-tour",
                                                     [("strengths", "", f"mine {i}")], {}))
        await tx.responses.hold("listening-tour", "2026-11-24", [], {}, "2026-W48",
                                sealed=seal_held(KeyedHash(b"an-old-secret-xx"),
                                                 "listening-tour",
                                                 [("strengths", "", "OLDSECRET")], {}))
        rnd = await tx.rounds.get("listening-tour")
        assert rnd is not None
        released = await release_round(app.deps, tx, rnd, closing=True)
        await tx.commit()
    assert released == 5
    texts = {r.text for r in app.db.responses.values()}
    assert {f"mine {i}" for i in range(5)} <= texts and "OLDSECRET" not in texts
    assert len(app.db.held) == 1
    assert "sealed with another OUTWARD_SECRET" in caplog.text and "OLDSECRET" not in caplog.text
