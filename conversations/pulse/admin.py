"""Round administration shared by chat commands, the CLI and the clock: start, schedule, pause,
resume, close, status, early results and thresholds. Each action returns an Outcome; the caller
commits. Closing, by hand or by the clock (conversations.pulse.calendar), is one path: held
answers are released and participation rewritten (conversations.results.release), drafts are
deleted, and the chairs are told."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from conversations.context import Deps
from conversations.messages import Outcome
from conversations.ports import UnitOfWork
from conversations.pulse.draft import FLOW
from conversations.pulse.notices import tell_chairs
from conversations.pulse.progress import progress_questions
from conversations.pulse.status import status_lines
from conversations.questions import commitment_of
from conversations.results.release import participation, release_round
from conversations.results.thresholds import K_FLOOR
from conversations.schedule import local, schedule_data, schedule_of, today
from prompts.loader import RoundTemplate
from storage.models import Round

_ROUND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
MAX_WINDOW_DAYS = 366  # a scheduled round closes at most this long after it opens
MAX_AHEAD_DAYS = 1826  # five years: a start further ahead is a typo'd year (2062, 9999)


def _title(rnd: Round) -> str:
    return str(rnd.title.get("en", rnd.id))


class RoundAdmin:
    """Admin actions on rounds. Each returns an Outcome; the caller commits."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def start(
        self,
        tx: UnitOfWork,
        name: str,
        new_id: str | None = None,
        audience: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Open a round now: a template under its own id (or `new_id`), a copy of an existing
        round's questions under `new_id`, or a scheduled or paused round."""
        found = await self._round_for(tx, name, new_id, audience, reopen_paused=True)
        if isinstance(found, Outcome):
            return found
        small = await self._too_few(tx, found)
        if small is not None:
            if found.status == "scheduled":  # not retried every minute by the clock
                found.status, found.starts_at = "draft", None
            return small
        await self._open(tx, found)
        return Outcome(True, "rounds.started", self._summary(found))

    async def _too_few(self, tx: UnitOfWork, rnd: Round) -> Outcome | None:
        """A refusal when fewer than k people are in the round's audience: whatever they
        answered would be tied to fewer than k people by anyone who can read who was asked
        (nothing would ever be shown to chairs either)."""
        count = len(await tx.people.active(rnd.audience or {}))
        if count >= rnd.k_responses:
            return None
        return Outcome(False, "rounds.audience_small",
                       {"round": rnd.id, "count": count, "k": rnd.k_responses})

    async def schedule(self, tx: UnitOfWork, name: str, new_id: str | None,
                       starts_at: datetime, closes_on: date | None) -> Outcome:
        """Open a round later, at `starts_at` (aware); `closes_on` is the last day answers are
        accepted (a recurring round runs until then). Validated before anything is stored."""
        now = self.deps.clock.now()
        if starts_at <= now:
            return Outcome(False, "rounds.start_past", {"start": starts_at, "now": now})
        if (starts_at.date() - now.date()).days > MAX_AHEAD_DAYS:
            return Outcome(False, "rounds.start_too_far", {})
        first = today(starts_at, self.deps.policy.default_timezone)
        if closes_on is not None and closes_on < first:
            return Outcome(False, "rounds.close_before_start",
                           {"start": starts_at, "close": closes_on})
        if closes_on is not None and (closes_on - first).days >= MAX_WINDOW_DAYS:
            return Outcome(False, "rounds.close_too_far", {"days": MAX_WINDOW_DAYS})
        found = await self._round_for(tx, name, new_id, None, reopen_paused=False)
        if isinstance(found, Outcome):
            return found
        small = await self._too_few(tx, found)
        if small is not None:
            return small
        found.status, found.starts_at, found.closes_on = "scheduled", starts_at, closes_on
        self._fit_window(found, first)
        return Outcome(True, "rounds.scheduled",
                       {**self._summary(found), "start": starts_at, "close": closes_on or "",
                        "closing": int(closes_on is not None)})

    async def _round_for(self, tx: UnitOfWork, name: str, new_id: str | None,
                         audience: Mapping[str, str] | None,
                         reopen_paused: bool) -> Round | Outcome:
        """The round to open: an existing draft, scheduled (or, to start, paused) round, or a
        new draft one from a template or a copy. An Outcome when there is none (nothing is
        stored then)."""
        for given in (name, new_id):
            if given is not None and not _ROUND_ID.match(given):
                return Outcome(False, "rounds.bad_id", {"name": given[:64]})
        round_id = new_id or name
        rnd = await tx.rounds.get(round_id)
        if rnd is not None and rnd.status == "ongoing":
            return Outcome(False, "rounds.not_a_survey", {"round": rnd.id})
        if rnd is not None and new_id is None:
            if rnd.status == "open" or (rnd.status == "paused" and not reopen_paused):
                return Outcome(False, "rounds.already_open", {"round": rnd.id})
            if rnd.status == "closed":
                return Outcome(False, "rounds.is_closed", {"round": rnd.id})
            return rnd
        if rnd is not None:
            return Outcome(False, "rounds.exists", {"round": round_id})
        tpl = self.deps.templates.get(name)
        if tpl is None:
            existing = await tx.rounds.get(name)
            if existing is not None and existing.status == "ongoing":
                return Outcome(False, "rounds.not_a_survey", {"round": existing.id})
            if existing is not None:  # re-run an existing round's questions under a new id
                return await self._copy(tx, existing, round_id)
            return Outcome(
                False,
                "rounds.unknown",
                {"name": name, "known": ", ".join(sorted(self.deps.templates)) or "-"},
            )
        rnd = self._from_template(tpl, round_id)
        if audience is not None:
            rnd.audience = dict(audience)
        return await tx.rounds.create(rnd, [q.definition()
                                            for q in tpl.questions])

    def _from_template(self, tpl: RoundTemplate, round_id: str) -> Round:
        return Round(
            id=round_id,
            template=tpl.id,
            title=dict(tpl.title),
            owner=dict(tpl.owner),
            status="draft",
            audience=dict(tpl.audience),
            schedule=schedule_data(tpl.schedule),
            k_responses=self.deps.policy.k_responses,
            k_comments=self.deps.policy.k_comments,
            series=tpl.id,
        )

    async def _copy(self, tx: UnitOfWork, src: Round, round_id: str) -> Round:
        rnd = Round(
            id=round_id,
            template=src.template,
            title=dict(src.title),
            owner=dict(src.owner),
            status="draft",
            audience=dict(src.audience),
            schedule=dict(src.schedule),
            k_responses=max(src.k_responses, self.deps.policy.k_responses),
            k_comments=max(src.k_comments, self.deps.policy.k_comments),
            series=src.series or src.id,
        )
        # the copy asks about its own predecessor's commitments, not the ones src asked about
        questions = [q for q in await tx.rounds.questions(src.id) if commitment_of(q) is None]
        return await tx.rounds.create(rnd, questions)

    async def _open(self, tx: UnitOfWork, rnd: Round) -> None:
        """Open the round. The first time: stamp when, and append the questions about the
        previous round's commitments."""
        if rnd.opened_at is None:
            rnd.opened_at = self.deps.clock.now()
            rnd.opened_on = self.deps.org_today()
            self._fit_window(rnd, rnd.opened_on)
            extra = await progress_questions(self.deps, tx, rnd)
            if extra:
                await tx.rounds.append_questions(rnd.id, extra)
        rnd.status = "open"

    @staticmethod
    def _fit_window(rnd: Round, first: date) -> None:
        """A one-off round with a closing date accepts answers from `first` until then."""
        if rnd.closes_on is not None and schedule_of(rnd.schedule).every_days <= 0:
            days = max(1, (rnd.closes_on - first).days + 1)
            rnd.schedule = {**rnd.schedule, "response_days": days}

    def _summary(self, rnd: Round) -> dict[str, Any]:
        sched = rnd.schedule
        return {
            "round": rnd.id,
            "title": _title(rnd),
            "window": sched.get("send_window", "09:00-17:00"),
            "days": sched.get("response_days", 7),
            "audience": ", ".join(f"{k}={v}" for k, v in rnd.audience.items()) or "everyone",
        }

    async def pause(self, tx: UnitOfWork, round_id: str) -> Outcome:
        return await self._move(tx, round_id, "open", "paused", "rounds.not_open",
                                "rounds.paused")

    async def resume(self, tx: UnitOfWork, round_id: str) -> Outcome:
        return await self._move(tx, round_id, "paused", "open", "rounds.not_paused",
                                "rounds.resumed")

    def _missing(self, round_id: str) -> Outcome:
        """No round `round_id`: a question set of that name not started yet, or nothing."""
        if round_id in self.deps.templates:
            return Outcome(False, "rounds.not_started", {"round": round_id})
        return Outcome(False, "rounds.no_such", {"round": round_id[:64]})

    async def _move(self, tx: UnitOfWork, round_id: str, from_: str, to: str, refused: str,
                    done: str) -> Outcome:
        """A round from status `from_` to `to`; refused (with its status) in any other."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return self._missing(round_id)
        if rnd.status != from_:
            return Outcome(False, refused, {"round": rnd.id, "status": rnd.status})
        rnd.status = to
        return Outcome(True, done, {"round": rnd.id})

    async def close(self, tx: UnitOfWork, round_id: str) -> Outcome:
        """Close a round (an admin, or the clock when its answer window has ended): what is
        held joins the results and participation is rewritten at once, unfinished drafts are
        deleted, and the chairs are told."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return self._missing(round_id)
        if rnd.status == "closed":
            return Outcome(False, "rounds.is_closed", {"round": rnd.id})
        if rnd.status == "ongoing":
            return Outcome(False, "rounds.not_a_survey", {"round": rnd.id})
        if rnd.status == "scheduled":  # not opened yet: it stays unopened, unscheduled
            rnd.status, rnd.starts_at = "draft", None
            return Outcome(True, "rounds.unscheduled", {"round": rnd.id})
        if rnd.status == "draft":
            return Outcome(False, "rounds.not_open", {"round": rnd.id, "status": rnd.status})
        rnd.status = "closed"
        rnd.closed_on = self.deps.org_today()
        await release_round(self.deps, tx, rnd, closing=True)  # what is held joins the results
        drafts = 0
        for state in await tx.states.in_flow(FLOW):
            if state.data.get("round") == rnd.id:
                await tx.states.clear(state.person_id)
                drafts += 1
        await tell_chairs(self.deps, tx, rnd)
        invited, completed = await participation(tx, rnd)
        return Outcome(
            True,
            "rounds.closed",
            {"round": rnd.id, "invited": invited, "completed": completed, "drafts": drafts},
        )

    async def status(self, tx: UnitOfWork, round_id: str | None, locale: str = "en",
                     tz: str | None = None) -> Outcome:
        """What is scheduled, open and closed (or one round), in the reader's language and
        time zone (default: the organisation's)."""
        rounds = [await tx.rounds.get(round_id)] if round_id else await tx.rounds.all()
        if round_id and rounds[0] is None:
            return self._missing(round_id)
        found = [r for r in rounds if r is not None]
        lines = await status_lines(self.deps, tx, found, locale,
                                   tz or self.deps.policy.default_timezone)
        unused = sorted(set(self.deps.templates) - {r.id for r in found})
        if not round_id and unused:
            lines.append(self.deps.catalog.text(locale, "rounds.line.ready",
                                                names=", ".join(unused)))
        return Outcome(True, "rounds.status", {"lines": "\n".join(lines) or "-"})

    async def early_results(self, tx: UnitOfWork, round_id: str, on: bool) -> Outcome:
        """Let chairs see results of an open round (off by default)."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return self._missing(round_id)
        rnd.results_while_open = on
        return Outcome(True, "rounds.early_on" if on else "rounds.early_off", {"round": rnd.id})

    async def thresholds(self, tx: UnitOfWork, round_id: str, k: int | None,
                         k_comments: int | None) -> Outcome:
        """Change a round's thresholds: raised any time, lowered only before it opens, and
        never below the organisation's (OUTWARD_K_RESPONSES, OUTWARD_K_COMMENTS): those are
        what staff are told in /privacy, at the consent question and in their receipt."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return self._missing(round_id)
        new_k = rnd.k_responses if k is None else k
        new_kc = rnd.k_comments if k_comments is None else k_comments
        if min(new_k, new_kc) < K_FLOOR or max(new_k, new_kc) > 1000:
            return Outcome(False, "rounds.threshold_range", {"floor": K_FLOOR})
        if rnd.status not in ("draft", "scheduled") and (new_k < rnd.k_responses
                                                         or new_kc < rnd.k_comments):
            return Outcome(False, "rounds.threshold_lower",
                           {"round": rnd.id, "k": rnd.k_responses, "k_comments": rnd.k_comments})
        floor = self.deps.policy
        if new_k < floor.k_responses or new_kc < floor.k_comments:
            return Outcome(False, "rounds.threshold_floor",
                           {"k": floor.k_responses, "k_comments": floor.k_comments})
        rnd.k_responses, rnd.k_comments = new_k, new_kc
        return Outcome(True, "rounds.thresholds", {"round": rnd.id, "k": new_k,
                                                    "k_comments": new_kc})


def window_ended(rnd: Round, now: datetime, zones: set[str]) -> bool:
    """A round's answer window has ended in every one of `zones`: a one-off round after its
    last day (its closing date, else its opening day plus its answer days); a recurring round
    only after its closing date, when it has one."""
    if rnd.opened_at is None:
        return False
    sched = schedule_of(rnd.schedule)
    if sched.every_days > 0 and rnd.closes_on is None:
        return False
    for tz in zones:
        last = rnd.closes_on
        if last is None:
            last = local(rnd.opened_at, tz).date() + timedelta(days=sched.response_days - 1)
        if today(now, tz) <= last:
            return False
    return True
