"""Commitments next to a round's results: in `/themes` (chat) and in the committee report
(HTML, "What we committed to"). For a round, its own commitments with their status and the
progress a later round of the series saw; for a round that asked about progress, the earlier
round's commitments with what this round's answers say. Ratings come from the summaries, so
under the same thresholds and differencing as everything else."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from conversations.context import Deps
from conversations.loop.progress import Progress, asked_here, progress_on, ratings_for
from conversations.loop.render import commitment_lines
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.summary import Summaries
from storage.loop_models import Commitment
from storage.models import Person, Round

# the report's section: self-contained, so it moves as one piece into the report's templates
REPORT_SECTION = Environment(autoescape=True).from_string("""\
<section class=commitments><h2>What we committed to</h2>
{%- for block in blocks %}
<h3>{{ block.title }}</h3>
{%- if block.entries %}
<table><tr><th>#</th><th>commitment</th><th>status</th><th>progress seen (1-5)</th></tr>
{%- for c in block.entries %}
<tr><td>{{ c.number }}</td><td>{{ c.text }}{% if c.note %}<br><small>{{ c.note }}</small>
{%- endif %}</td><td>{{ c.status }}</td><td>{{ c.progress }}</td></tr>
{%- endfor %}
</table>
{%- else %}<p>No commitments were recorded.</p>{% endif %}
{%- endfor %}
</section>
""")
STATUS_EN = {"planned": "planned", "started": "in progress", "done": "done",
             "dropped": "dropped"}


def _progress_cell(seen: Progress | None) -> str:
    if seen is None:
        return "not asked yet"
    if seen.mean is None:
        return f"too few answers in {seen.asked_in} to show"
    return f"{seen.mean:.1f} ({seen.answers} answers, {seen.asked_in})"


def commitments_html(blocks: Sequence[tuple[str, Sequence[Commitment],
                                            dict[int, Progress]]]) -> str:
    """The report's "What we committed to" section: per block (a title, its commitments,
    the progress seen on each), a table of commitments with status and progress."""
    return REPORT_SECTION.render(blocks=[
        {"title": title,
         "entries": [{"number": c.number, "text": c.text, "note": c.note,
                    "status": STATUS_EN.get(c.status, c.status),
                    "progress": _progress_cell(progress.get(c.number))} for c in items]}
        for title, items, progress in blocks])


class CommitmentSections:
    """Builds the commitment blocks of a round for `/themes` and the report."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.summaries = Summaries(deps)

    async def blocks(self, tx: UnitOfWork, rnd: Round
                     ) -> list[tuple[Round, Sequence[Commitment], dict[int, Progress], bool]]:
        """(round committed after, its commitments, progress seen, asked here) per block."""
        out: list[tuple[Round, Sequence[Commitment], dict[int, Progress], bool]] = []
        found = await asked_here(tx, rnd)
        if found is not None:
            earlier = await tx.rounds.get(found[0])
            if earlier is not None:
                out.append((earlier, await tx.commitments.for_round(earlier.id),
                            await ratings_for(self.summaries, tx, rnd, found[1]), True))
        own = await tx.commitments.for_round(rnd.id)
        if own:
            out.append((rnd, own, await progress_on(self.summaries, tx, rnd), False))
        return out

    async def chat(self, tx: UnitOfWork, person: Person, rnd: Round) -> list[Message]:
        """The `/themes` messages: one per block."""
        cat, loc = self.deps.catalog, person.locale
        out = []
        for committed, items, progress, here in await self.blocks(tx, rnd):
            key = "loop.section.asked" if here else "loop.section.own"
            lines = [cat.text(loc, key, round=committed.id)]
            lines += commitment_lines(cat, loc, items, progress)
            out.append(Message("\n".join(lines), private=True))
        return out

    async def html(self, tx: UnitOfWork, rnd: Round) -> str:
        """The report's section ("" when the round has nothing to do with commitments)."""
        blocks = await self.blocks(tx, rnd)
        if not blocks:
            return ""
        return commitments_html([
            (f"Progress asked in {rnd.id} on what we committed to after {committed.id}" if here
             else f"After {committed.id}", items, progress)
            for committed, items, progress, here in blocks])
