"""`/mentor stats COHORT`: cohort aggregates for programme leads and admins. Whether a figure
may be shown, and which earlier snapshot to repeat when the newest check-ins would move the
figures by fewer than k people, is decided by conversations.results.thresholds."""

from __future__ import annotations

from datetime import date, timedelta

from conversations.context import Deps, roles
from conversations.mentorship.cohorts import load_cohort, topics
from conversations.mentorship.escalation import Answer, answer_of, pair_met
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from conversations.results.thresholds import choose_snapshot, enough
from conversations.schedule import milestone_dates
from storage.mentorship_models import MentorCheckin
from storage.models import Person


class Stats:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        m, say = tx.mentorship, self.deps.text
        loc = person.locale
        if len(rest) != 1:
            return self.deps.reply(person, "mentor.stats_usage")
        ctx = await load_cohort(m, rest[0])
        admin = "admin" in roles(person)
        if ctx is None:
            if not admin:  # not even whether the cohort exists
                return self.deps.reply(person, "mentor.lead_only")
            return self.deps.reply(person, "mentor.no_cohort", cohort=rest[0][:64])
        if not admin and ctx.programme.lead_id != person.id:
            return self.deps.reply(person, "mentor.lead_only")
        k = self.deps.policy.k_responses
        pairs = await m.pairs(ctx.cohort.id, "active", "ended")
        checkins = await m.checkins([p.id for p in pairs])
        answered = [c for c in checkins if c.met is not None and self._settled(c)]
        answered, as_of = await self._view(tx, ctx.cohort.id, answered, k)
        lines = [say(person, "mentor.s.header", cohort=ctx.cohort.id,
                     programme=ctx.programme.id,
                     active=sum(1 for p in pairs if p.status == "active"),
                     mentees=sum(1 for x in ctx.members if x.role == "mentee" and not x.left),
                     mentors=sum(1 for x in ctx.members if x.role == "mentor" and not x.left))]
        if not enough(len({c.person_id for c in answered}), k):
            lines.append(say(person, "mentor.s.too_few", k=k))
        else:
            if as_of is not None:
                lines.append(say(person, "mentor.s.as_of", date=as_of, k=k))
            by_pair: dict[int, list[Answer]] = {}
            for c in answered:
                by_pair.setdefault(c.pair_id, []).append(answer_of(c))
            outcomes = [v for a in by_pair.values() for v in pair_met(a).values()]
            rate = round(100 * sum(outcomes) / len(outcomes)) if outcomes else 0
            lines.append(say(person, "mentor.s.meeting_rate", rate=rate, n=len(outcomes)))
            scores = [c.usefulness for c in answered if c.usefulness is not None]
            scorers = {c.person_id for c in answered if c.usefulness is not None}
            if enough(len(scorers), k):
                lines.append(say(person, "mentor.s.usefulness",
                                 mean=f"{sum(scores) / len(scores):.1f}", n=len(scores)))
            else:
                lines.append(say(person, "mentor.s.too_few_scores", k=k))
            labels = await topics(m, ctx.cohort.id)
            counts: dict[str, int] = {}
            for c in answered:
                if c.topic:
                    counts[c.topic] = counts.get(c.topic, 0) + 1
            if counts:
                lines.append(say(person, "mentor.s.topics", topics=", ".join(
                    f"{localized(labels.get(t, {}), loc) or t} {n}"
                    for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))))
        today = self.deps.org_today()
        day = self.deps.catalog.date
        marks = [f"{d.milestone} {'✓' if d.day <= today else day(loc, d.day, 'medium')}"
                 for d in milestone_dates(ctx.cohort.start_on, ctx.cohort.weeks,
                                          ctx.programme.definition.get("milestones", []))
                 if d.phase == "main"]
        reached = sum(1 for mk in marks if mk.endswith("✓"))
        lines.append(say(person, "mentor.s.milestones", reached=reached, total=len(marks),
                         marks=" · ".join(marks)))
        return Message("\n".join(lines), private=True)

    def _settled(self, c: MentorCheckin) -> bool:
        """A check-in that can no longer change: finished, or past its answer window in every
        time zone. Only these are counted, so a view repeated later is exactly the view shown
        then (a score added after a view would otherwise move it by one person)."""
        return c.done or self.deps.org_today() > c.closes_on + timedelta(days=1)

    async def _view(self, tx: UnitOfWork, cohort_id: str, answered: list[MentorCheckin],
                    k: int) -> tuple[list[MentorCheckin], date | None]:
        """The check-ins the statistics may be computed from, and the date of the earlier
        view repeated (None: the current ones). A view shown for the first time is recorded.
        The usefulness average covers only the check-ins with a score, so that part is
        checked against earlier views like the whole."""
        by_id = {c.id: c for c in answered}
        current = {c.id: c.person_id for c in answered}
        scored = {c.id for c in answered if c.usefulness is not None}
        shown = await tx.mentorship.shown_stats(cohort_id)
        earlier = [{cid: by_id[cid].person_id for cid in v.checkins if cid in by_id}
                   for v in shown]
        choice = choose_snapshot(current, earlier, shown[-1].checkins if shown else None, k,
                                 parts=[scored])
        if choice.repeat is not None:
            view = shown[choice.repeat]
            return [by_id[cid] for cid in view.checkins if cid in by_id], view.shown_on
        if choice.record:
            await tx.mentorship.record_shown(cohort_id, self.deps.org_today(), list(current))
        return answered, None
