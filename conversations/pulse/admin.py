"""Round administration shared by chat commands and the CLI: start, pause, resume, close,
status, early results and thresholds. Each action returns an Outcome; the caller commits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from conversations.context import Deps
from conversations.messages import Outcome
from conversations.ports import UnitOfWork
from conversations.pulse.draft import FLOW
from conversations.questions import Question
from conversations.results.release import participation, release_round
from conversations.schedule import schedule_data
from prompts.loader import RoundTemplate
from storage.models import Round

_ROUND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


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
        if not _ROUND_ID.match(name) or (new_id is not None and not _ROUND_ID.match(new_id)):
            return Outcome(False, "rounds.bad_id", {"name": name[:64]})
        round_id = new_id or name
        rnd = await tx.rounds.get(round_id)
        if rnd is not None and rnd.status == "ongoing":
            return Outcome(False, "rounds.not_a_survey", {"round": rnd.id})
        if rnd is not None and new_id is None:
            if rnd.status == "open":
                return Outcome(False, "rounds.already_open", {"round": rnd.id})
            if rnd.status == "closed":
                return Outcome(False, "rounds.is_closed", {"round": rnd.id})
            self._open(rnd)
            return Outcome(True, "rounds.started", self._summary(rnd))
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
        await tx.rounds.create(rnd, [Question.from_content(q).definition()
                                     for q in tpl.questions])
        self._open(rnd)
        return Outcome(True, "rounds.started", self._summary(rnd))

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

    async def _copy(self, tx: UnitOfWork, src: Round, round_id: str) -> Outcome:
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
        await tx.rounds.create(rnd, await tx.rounds.questions(src.id))
        self._open(rnd)
        return Outcome(True, "rounds.started", self._summary(rnd))

    def _open(self, rnd: Round) -> None:
        rnd.status = "open"
        if rnd.opened_at is None:
            rnd.opened_at = self.deps.clock.now()
            rnd.opened_on = self.deps.org_today()

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
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        if rnd.status != "open":
            return Outcome(False, "rounds.not_open", {"round": rnd.id, "status": rnd.status})
        rnd.status = "paused"
        return Outcome(True, "rounds.paused", {"round": rnd.id})

    async def resume(self, tx: UnitOfWork, round_id: str) -> Outcome:
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        if rnd.status != "paused":
            return Outcome(False, "rounds.not_paused", {"round": rnd.id, "status": rnd.status})
        rnd.status = "open"
        return Outcome(True, "rounds.resumed", {"round": rnd.id})

    async def close(self, tx: UnitOfWork, round_id: str) -> Outcome:
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        if rnd.status == "closed":
            return Outcome(False, "rounds.is_closed", {"round": rnd.id})
        if rnd.status == "ongoing":
            return Outcome(False, "rounds.not_a_survey", {"round": rnd.id})
        rnd.status = "closed"
        rnd.closed_on = self.deps.org_today()
        await release_round(self.deps, tx, rnd, closing=True)  # what is held joins the results
        drafts = 0
        for state in await tx.states.in_flow(FLOW):
            if state.data.get("round") == rnd.id:
                await tx.states.clear(state.person_id)
                drafts += 1
        invited, completed = await participation(tx, rnd)
        return Outcome(
            True,
            "rounds.closed",
            {"round": rnd.id, "invited": invited, "completed": completed, "drafts": drafts},
        )

    async def status(self, tx: UnitOfWork, round_id: str | None) -> Outcome:
        rounds = [await tx.rounds.get(round_id)] if round_id else await tx.rounds.all()
        if round_id and rounds[0] is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        lines = []
        for rnd in rounds:
            assert rnd is not None
            invited, completed = await participation(tx, rnd)
            rate = f"{round(100 * completed / invited)}%" if invited else "-"
            batches = (f"; counted in batches of at least {rnd.k_responses}"
                       if rnd.status in ("open", "paused") else "")
            lines.append(
                f"{rnd.id} ({_title(rnd)}): {rnd.status}; invited {invited}, "
                f"completed {completed} ({rate}{batches})"
            )
        unused = sorted(set(self.deps.templates) - {r.id for r in rounds if r is not None})
        if not round_id and unused:
            lines.append("ready to start: " + ", ".join(unused))
        return Outcome(True, "rounds.status", {"lines": "\n".join(lines) or "-"})

    async def early_results(self, tx: UnitOfWork, round_id: str, on: bool) -> Outcome:
        """Let chairs see results of an open round (off by default)."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        rnd.results_while_open = on
        return Outcome(True, "rounds.early_on" if on else "rounds.early_off", {"round": rnd.id})

    async def thresholds(self, tx: UnitOfWork, round_id: str, k: int | None,
                         k_comments: int | None) -> Outcome:
        """Change a round's thresholds: raised any time, lowered only before it opens."""
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Outcome(False, "rounds.no_such", {"round": round_id[:64]})
        new_k = rnd.k_responses if k is None else k
        new_kc = rnd.k_comments if k_comments is None else k_comments
        if min(new_k, new_kc) < 2 or max(new_k, new_kc) > 1000:
            return Outcome(False, "rounds.threshold_range", {})
        if rnd.status != "draft" and (new_k < rnd.k_responses or new_kc < rnd.k_comments):
            return Outcome(False, "rounds.threshold_lower",
                           {"round": rnd.id, "k": rnd.k_responses, "k_comments": rnd.k_comments})
        rnd.k_responses, rnd.k_comments = new_k, new_kc
        return Outcome(True, "rounds.thresholds", {"round": rnd.id, "k": new_k,
                                                    "k_comments": new_kc})
