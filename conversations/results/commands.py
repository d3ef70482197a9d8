"""`/themes [ROUND] [segment=VALUE] [question=ID] [theme=N]`: a round's anonymised summary, for
chairs only. With no question or theme: every question (ratings, choices, the themes of each
open question and of every comment), and a personal link to the full report. `question=ID`
narrows to one question; `theme=N` lists the sub-themes of theme N (of `question=ID`, or of
the overall themes). Other features add messages after the whole summary (closing the loop:
the round's commitments), passed in by the composition root. A chair who asks while the round
is still open is told when it closes (`Round.waiting`)."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from conversations.context import Deps, roles
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.links import report_link
from conversations.results.model import OVERALL, Result, Section, Summary
from conversations.results.render import (
    group_name,
    render_question,
    render_summary,
    render_theme,
)
from conversations.results.summary import Refusal, Summaries, clip, parse_slice
from conversations.results.thresholds import WHOLE, Slice
from conversations.words import split_args
from storage.models import Person, Round

# more messages about a round, after its summary
ChatSection = Callable[[UnitOfWork, Person, Round], Awaitable[list[Message]]]

_ID_LIMIT = 80


@dataclass(frozen=True)
class Query:
    round_id: str | None
    slice: Slice
    question: str | None
    theme: int | None
    error: str | None = None
    values: dict[str, object] = field(default_factory=dict)  # for the error's text


# `question=` and `theme=` in the words chairs may type (Spanish: pregunta=, tema=)
QUESTION_WORDS = frozenset({"question", "q", "pregunta"})
THEME_WORDS = frozenset({"theme", "tema"})


def parse_query(args: Sequence[str]) -> Query:
    """`[ROUND] [segment=VALUE] [question=ID] [theme=N]`; `error` is a catalog key."""
    question: str | None = None
    theme: int | None = None
    rest: list[str] = []
    plain = [w for w in args if "=" not in w]
    if len(plain) > 1:  # a round, then words /themes does not take: say which
        extra = clip(" ".join(plain[1:]), 60)
        return Query(None, WHOLE, None, None, "themes.extra_words", {"words": extra})
    for word in args:
        key, eq, value = word.partition("=")
        key = key.strip().lower()
        if eq and key in QUESTION_WORDS:
            if question is not None or not value.strip() or len(value) > _ID_LIMIT:
                return Query(None, WHOLE, None, None, "themes.usage")
            question = value.strip().lower()
        elif eq and key in THEME_WORDS:
            if theme is not None or not value.strip().isdigit() or len(value) > 3:
                return Query(None, WHOLE, None, None, "themes.bad_theme_number")
            theme = int(value.strip())
        else:
            rest.append(word)
    round_id, wanted, error = parse_slice(rest)
    if error == "themes.bad_segment":
        key = next((w.partition("=")[0] for w in rest if "=" in w), "")
        return Query(None, WHOLE, None, None, error, {"group": clip(key, 30) or "="})
    return Query(round_id, wanted, question, theme, error)


class ThemesCommand:
    def __init__(self, deps: Deps, summaries: Summaries | None = None,
                 sections: Sequence[ChatSection] = ()) -> None:
        self.deps = deps
        self.summaries = summaries or Summaries(deps)
        self.sections = tuple(sections)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        loc = person.locale
        if "chair" not in roles(person):
            admin = "admin" in roles(person)
            return [self.deps.reply(person, "themes.admin_not_chair" if admin
                                    else "themes.chair_only")]
        query = parse_query(split_args(args))
        if query.error is not None:
            return [self.deps.reply(person, query.error, **query.values)]
        rnd = (await tx.rounds.get(query.round_id[:64]) if query.round_id
               else await self.summaries.latest_round(tx))
        if rnd is None or rnd.status in ("draft", "scheduled"):
            return [await self._no_round(tx, person, query.round_id or "")]
        result = await self.summaries.build(tx, rnd, query.slice, loc)
        if isinstance(result, Refusal):
            if result.key == "themes.still_open" and person.id not in (rnd.waiting or []):
                rnd.waiting = [*(rnd.waiting or []), person.id]  # told when it closes
            values = dict(result.values)
            if query.slice != WHOLE:  # the group as a reader names it
                values["slice"] = group_name(self.deps.catalog, loc, "=".join(query.slice))
            return [self.deps.reply(person, result.key, **values)]
        cat, kc, kr = self.deps.catalog, rnd.k_comments, rnd.k_responses
        link = ""
        if self.deps.policy.public_url:
            link = cat.text(loc, "themes.link", url=report_link(self.deps, rnd.id, person.id),
                            minutes=self.deps.policy.report_link_minutes)
        if query.question is None and query.theme is None:
            out = render_summary(cat, loc, result, kc, kr, link)
            for section in self.sections:
                out += await section(tx, person, rnd)
            return out
        target = self._target(result, query.question)
        left_out = next((w for w in result.withheld if w.question_id == query.question), None)
        if target is None and left_out is not None:
            return [self.deps.reply(person, "themes.withheld_one", title=left_out.title)]
        if target is None:
            known = ", ".join(q.question_id for q in result.questions) or "-"
            return [self.deps.reply(person, "themes.bad_question", question=query.question,
                                    round=rnd.id, known=known)]
        if query.theme is None:
            return render_question(cat, loc, result, target, kc, kr, link)
        if not isinstance(target, Section):
            known = ", ".join(s.question_id for s in result.sections) or "-"
            return [self.deps.reply(person, "themes.theme_needs_open",
                                    question=target.question_id, known=known)]
        if not target.enough or not 1 <= query.theme <= len(target.themes):
            where = (cat.text(loc, "themes.where_question", question=target.question_id)
                     if target.question_id != OVERALL else "")
            return [self.deps.reply(person, "themes.bad_theme", theme=query.theme,
                                    count=len(target.themes) if target.enough else 0,
                                    round=rnd.id, where=where)]
        return render_theme(cat, loc, result, target, query.theme, kc, kr, link)

    async def _no_round(self, tx: UnitOfWork, person: Person, typed: str) -> Message:
        """No such round with answers: the nearest round id that has some, if one is close
        (a typo: "listeningtour")."""
        if not typed:
            return self.deps.reply(person, "themes.no_rounds")
        shown = clip(typed, 64)
        ids = [r.id for r in await tx.rounds.all() if r.status not in ("draft", "scheduled")]
        near = difflib.get_close_matches(typed.lower()[:64], ids, n=1, cutoff=0.6)
        if near:
            return self.deps.reply(person, "themes.no_round_near", round=shown, near=near[0])
        return self.deps.reply(person, "themes.no_round", round=shown)

    @staticmethod
    def _target(s: Summary, question: str | None) -> Result | None:
        if question is None:
            return s.overall
        return s.question(question)
