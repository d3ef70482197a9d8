"""The pulse flow: a person answers a round's questions one at a time in a direct message.

The person's place and draft answers live in `conversation_state` (draft text is scrubbed before
it is kept there). On the last question, in one transaction, the answers are held in
`held_submissions` with no person id, a keyed-hash mark records that this person finished (see
conversations.keyed), and the draft is deleted. Nothing person-linked is written in that
transaction: the participation row is marked complete later, together with at least k others,
when the held answers are released into the results (conversations.release).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from conversations.context import Deps, Policy
from conversations.messages import Button, Message, TextInput
from conversations.ports import NotYet, UnitOfWork
from conversations.schedule import closes_on, iso_week, local
from prompts.loader import Catalog, Schedule
from storage.models import Person, Round

FLOW = "pulse"
START = "pulse:start"
LATER = "pulse:later"
CONSENT = "pulse:consent"
ANSWER = "pulse:answer"
NAV = "pulse:nav"
TEXT_FORM = "pulse:text"
PRIVACY = "privacy"
CONSENT_STEP = "@consent"

NAV_WORDS: dict[str, str] = {
    "skip": "skip",
    "omitir": "skip",
    "saltar": "skip",
    "back": "back",
    "atrás": "back",
    "atras": "back",
    "stop": "stop",
    "pause": "stop",
    "parar": "stop",
    "pausa": "stop",
}
RESUME_WORDS = frozenset({"start", "resume", "continue", "empezar", "continuar", "seguir"})


def schedule_of(rnd: Round) -> Schedule:
    raw = dict(rnd.schedule)
    if "weekdays" in raw:
        raw["weekdays"] = tuple(raw["weekdays"])
    return Schedule(**raw)


def done_mark(deps: Deps, round_id: str, occurrence: str, person_id: int) -> str:
    """The keyed-hash mark that says this person finished this occurrence of the round."""
    return deps.keyed("done", round_id, occurrence, person_id)


def _capital(text: str) -> str:
    """'the Equity Committee' -> 'The Equity Committee' at the start of a line."""
    return text[:1].upper() + text[1:]


def _loc(texts: Mapping[str, Any], locale: str) -> str:
    return str(texts.get(locale) or texts.get("en") or "")


@dataclass(frozen=True)
class Step:
    key: str  # "@consent", "<qid>" or "<qid>.why"
    question: Mapping[str, Any] | None
    number: int  # 1-based question number (0 for consent)


def steps_of(questions: list[dict[str, Any]]) -> list[Step]:
    steps = [Step(CONSENT_STEP, None, 0)]
    for n, q in enumerate(questions, start=1):
        steps.append(Step(q["id"], q, n))
        if q.get("follow_up"):
            steps.append(Step(f"{q['id']}.why", q, n))
    return steps


class PulseFlow:
    """Invitations, reminders and answering. Every method returns the messages to show."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def cat(self) -> Catalog:
        return self.deps.catalog

    @property
    def policy(self) -> Policy:
        return self.deps.policy

    def _today(self, person: Person) -> date:
        return local(self.deps.clock.now(), person.timezone).date()

    # ---- proactive -------------------------------------------------------------------------

    async def outreach(
        self, tx: UnitOfWork, person: Person, payload: Mapping[str, Any], kind: str
    ) -> list[Message] | None:
        """Render a planned invitation/reminder, or None if it no longer applies."""
        rnd = await tx.rounds.get(str(payload.get("round", "")))
        occ = str(payload.get("occurrence", ""))
        if rnd is not None and rnd.status == "paused":
            raise NotYet("round paused")  # delivered after /pulse resume, if still due
        if rnd is None or rnd.status != "open":
            return None
        part = await tx.participation.get(rnd.id, occ, person.id)
        if part is None or await self.finished(tx, rnd.id, occ, person):
            return None
        until = closes_on(date.fromisoformat(occ), schedule_of(rnd))
        if self._today(person) > until:
            return None
        questions = await tx.rounds.questions(rnd.id)
        loc = person.locale
        values = {
            "name": person.display_name.split(" ")[0],
            "owner": _loc(rnd.owner, loc),
            "title": _loc(rnd.title, loc),
            "count": len(questions),
            "minutes": max(2, round(len(questions) * 0.5)),
            "until": until.isoformat(),
        }
        key = "pulse.invite" if kind == "pulse.invite" else "pulse.reminder"
        buttons = (
            Button(self.cat.text(loc, "pulse.button.start"), START, f"{rnd.id}|{occ}", "primary"),
            Button(self.cat.text(loc, "pulse.button.later"), LATER, f"{rnd.id}|{occ}"),
            Button(self.cat.text(loc, "pulse.button.privacy"), PRIVACY, ""),
        )
        return [Message(self.cat.text(loc, key, **values), buttons, key=f"invite:{rnd.id}:{occ}")]

    # ---- starting and resuming ------------------------------------------------------------

    def done_key(self, round_id: str, occurrence: str, person: Person | int) -> str:
        """The keyed-hash mark that says this person finished this occurrence."""
        pid = person if isinstance(person, int) else person.id
        return done_mark(self.deps, round_id, occurrence, pid)

    async def finished(self, tx: UnitOfWork, round_id: str, occurrence: str,
                       person: Person) -> bool:
        """Finished: marked complete, or finished and waiting for a release batch."""
        part = await tx.participation.get(round_id, occurrence, person.id)
        if part is not None and part.completed:
            return True
        return await tx.marks.has(self.done_key(round_id, occurrence, person))

    async def open_invitation(self, tx: UnitOfWork, person: Person) -> tuple[Round, str] | None:
        """The newest open round this person was invited to and has not finished."""
        for part in await tx.participation.open_for(person.id):
            rnd = await tx.rounds.get(part.round_id)
            if rnd is None:
                continue
            if await tx.marks.has(self.done_key(part.round_id, part.occurrence, person)):
                continue
            until = closes_on(date.fromisoformat(part.occurrence), schedule_of(rnd))
            if self._today(person) <= until:
                return rnd, part.occurrence
        return None

    async def start(
        self, tx: UnitOfWork, person: Person, round_id: str | None = None, occ: str | None = None
    ) -> list[Message]:
        """Start or resume a survey (from the invitation's button, `/pulse`, or 'start')."""
        loc = person.locale
        state = await tx.states.get(person.id)
        if state is not None and state.flow == FLOW:
            same = round_id is None or (
                state.data.get("round") == round_id and state.data.get("occurrence") == occ
            )
            if same:
                return await self._resume(tx, person, dict(state.data))
            if state.data.get("answers") and not await self._expired(tx, person, dict(state.data)):
                # never silently drop a draft in progress for another survey
                return [Message(self.cat.text(loc, "pulse.finish_other_first"))]
        elif state is not None and state.flow != FLOW:
            # another flow (a reflection, a check-in note) is waiting for text: it gives way
            await tx.states.clear(person.id)
        if round_id is None or occ is None:
            found = await self.open_invitation(tx, person)
            if found is None:
                return [Message(self.cat.text(loc, "pulse.nothing_open"))]
            rnd, occ = found
        else:
            maybe = await tx.rounds.get(round_id)
            if maybe is None:
                return [Message(self.cat.text(loc, "pulse.nothing_open"))]
            rnd = maybe
        part = await tx.participation.get(rnd.id, occ, person.id)
        if part is None:
            return [Message(self.cat.text(loc, "pulse.nothing_open"))]
        if await self.finished(tx, rnd.id, occ, person):
            return [Message(self.cat.text(loc, "pulse.already_done"))]
        until = closes_on(date.fromisoformat(occ), schedule_of(rnd))
        if rnd.status == "closed" or self._today(person) > until:
            return [Message(self.cat.text(loc, "pulse.closed", until=until.isoformat()))]
        data: dict[str, Any] = {
            "round": rnd.id,
            "occurrence": occ,
            "until": until.isoformat(),
            "pos": 0,
            "answers": {},
            "share": None,
        }
        await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
        intro = self.cat.text(
            loc,
            "pulse.intro",
            title=_loc(rnd.title, loc),
            owner=_loc(rnd.owner, loc),
            until=until.isoformat(),
        )
        return [Message(intro), *await self._ask(tx, person, data)]

    async def _resume(self, tx: UnitOfWork, person: Person, data: dict[str, Any]) -> list[Message]:
        if await self._expired(tx, person, data):
            return [Message(self.cat.text(person.locale, "pulse.expired", until=data["until"]))]
        data["paused"] = False
        await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
        return [
            Message(self.cat.text(person.locale, "pulse.resumed")),
            *await self._ask(tx, person, data),
        ]

    async def _expired(self, tx: UnitOfWork, person: Person, data: Mapping[str, Any]) -> bool:
        """True (and the draft deleted) if the round closed or the answer window passed."""
        rnd = await tx.rounds.get(str(data.get("round")))
        if (
            rnd is not None
            and rnd.status != "closed"
            and self._today(person) <= date.fromisoformat(str(data["until"]))
        ):
            return False
        await tx.states.clear(person.id)
        return True

    # ---- asking ---------------------------------------------------------------------------

    async def _steps(self, tx: UnitOfWork, data: Mapping[str, Any]) -> list[Step]:
        return steps_of(await tx.rounds.questions(str(data["round"])))

    def _key(self, data: Mapping[str, Any], step: str) -> str:
        return f"pulse:{data['round']}:{data['occurrence']}:{step}"

    async def _ask(self, tx: UnitOfWork, person: Person, data: dict[str, Any]) -> list[Message]:
        steps = await self._steps(tx, data)
        step = steps[data["pos"]]
        return [self._question_message(person, data, step, steps)]

    def _question_message(
        self, person: Person, data: Mapping[str, Any], step: Step, steps: list[Step]
    ) -> Message:
        loc = person.locale
        cat = self.cat
        nav = [
            Button(cat.text(loc, "pulse.button.skip"), NAV, "skip"),
            Button(cat.text(loc, "pulse.button.back"), NAV, "back"),
            Button(cat.text(loc, "pulse.button.stop"), NAV, "stop"),
        ]
        key = self._key(data, step.key)
        if step.question is None:
            segs = [v for v in (person.branch, person.classification, person.employment) if v] or [
                cat.text(loc, "pulse.consent.none")
            ]
            text = cat.text(
                loc, "pulse.consent", segments=", ".join(segs), k=self.policy.k_responses
            )
            buttons = [
                Button(cat.text(loc, "pulse.button.share"), CONSENT, "yes", "primary"),
                Button(cat.text(loc, "pulse.button.noshare"), CONSENT, "no"),
                nav[2],
            ]
            return Message(text, tuple(buttons), key=key)
        total = max(s.number for s in steps)
        q = step.question
        header = cat.text(loc, "pulse.header", n=step.number, total=total)
        previous = data["answers"].get(step.key)
        if step.key.endswith(".why"):
            body = _loc(q["follow_up"], loc)
            text = f"{header}\n{body}"
            if previous and previous.get("t"):
                text += "\n" + cat.text(loc, "pulse.previous_text")
            return Message(
                text,
                tuple(nav),
                TextInput(
                    TEXT_FORM,
                    "answer",
                    cat.text(loc, "pulse.input_label"),
                    self.policy.max_answer_chars,
                ),
                key=key,
            )
        body = _loc(q["text"], loc)
        text = f"{header}\n{body}"
        if q["kind"] == "rating":
            low, high = q.get("scale", {}).get(loc) or q.get("scale", {}).get("en") or ("", "")
            text += "\n" + cat.text(loc, "pulse.scale", low=low or "1", high=high or "5")
            buttons = [Button(str(v), ANSWER, f"{q['id']}={v}") for v in range(1, 6)]
        elif q["kind"] == "choice":
            buttons = [
                Button(_loc(c["label"], loc), ANSWER, f"{q['id']}={c['value']}")
                for c in q["choices"]
            ]
        else:
            buttons = []
        if previous and previous.get("t") is not None:
            text += "\n" + cat.text(loc, "pulse.previous_text")
        elif previous:
            shown = self._answer_label(q, previous, loc)
            text += "\n" + cat.text(loc, "pulse.previous", answer=shown)
        text_input = None
        if q["kind"] == "open":
            text_input = TextInput(
                TEXT_FORM,
                "answer",
                cat.text(loc, "pulse.input_label"),
                self.policy.max_answer_chars,
            )
        return Message(text, tuple(buttons + nav), text_input, key=key)

    def _answer_label(self, q: Mapping[str, Any], answer: Mapping[str, Any], loc: str) -> str:
        if answer.get("t") is not None:
            return self.cat.text(loc, "pulse.your_comment")
        value = str(answer.get("v", ""))
        if q["kind"] == "choice":
            for c in q["choices"]:
                if c["value"] == value:
                    return _loc(c["label"], loc)
        return value

    # ---- answering ------------------------------------------------------------------------

    async def state(self, tx: UnitOfWork, person: Person) -> dict[str, Any] | None:
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return None
        return dict(state.data)

    async def on_text(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], text: str
    ) -> list[Message]:
        """Text typed while in the flow: a navigation word or an answer to the current step."""
        word = text.strip().lower().rstrip(".!")
        if await self._expired(tx, person, data):
            return [Message(self.cat.text(person.locale, "pulse.expired", until=data["until"]))]
        if data.get("paused"):
            if word in RESUME_WORDS:
                return await self._resume(tx, person, data)
            return [Message(self.cat.text(person.locale, "pulse.paused_hint"))]
        if word in NAV_WORDS:
            return await self.navigate(tx, person, data, NAV_WORDS[word], "")
        return await self._answer_text(tx, person, data, text, "")

    async def on_form(
        self,
        tx: UnitOfWork,
        person: Person,
        data: dict[str, Any],
        values: Mapping[str, str],
        message_key: str,
    ) -> list[Message]:
        stale = await self._stale(tx, person, data, message_key)
        if stale is not None:
            return stale
        return await self._answer_text(tx, person, data, str(values.get("answer", "")), message_key)

    async def _stale(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], message_key: str
    ) -> list[Message] | None:
        if await self._expired(tx, person, data):
            return [
                Message(
                    self.cat.text(person.locale, "pulse.expired", until=data["until"]),
                    replaces=message_key,
                )
            ]
        steps = await self._steps(tx, data)
        current = self._key(data, steps[data["pos"]].key)
        if message_key and message_key != current:
            return [
                Message(self.cat.text(person.locale, "pulse.stale")),
                self._question_message(person, data, steps[data["pos"]], steps),
            ]
        if data.get("paused"):
            data["paused"] = False
        return None

    async def _answer_text(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], text: str, message_key: str
    ) -> list[Message]:
        loc = person.locale
        steps = await self._steps(tx, data)
        step = steps[data["pos"]]
        q = step.question
        if q is None:  # the consent step takes yes/no
            word = text.strip().lower()
            if word in ("yes", "y", "sí", "si", "share"):
                return await self.consent(tx, person, data, "yes", message_key)
            if word in ("no", "n"):
                return await self.consent(tx, person, data, "no", message_key)
            return [Message(self.cat.text(loc, "pulse.consent_hint"))]
        stripped = text.strip()
        if step.key.endswith(".why") or q["kind"] == "open":
            if not stripped:
                return [Message(self.cat.text(loc, "pulse.empty"))]
            if len(stripped) > self.policy.max_answer_chars:
                return [
                    Message(
                        self.cat.text(
                            loc,
                            "pulse.too_long",
                            length=f"{len(stripped):,}",
                            limit=f"{self.policy.max_answer_chars:,}",
                        )
                    )
                ]
            scrubbed = self.deps.scrub(stripped)
            data["answers"][step.key] = {"t": scrubbed}
            note = self.cat.text(loc, "pulse.scrubbed") if scrubbed != stripped else ""
            return await self._advance(tx, person, data, step, steps, note, message_key)
        if q["kind"] == "rating":
            if stripped in ("1", "2", "3", "4", "5"):
                return await self.answer(
                    tx, person, data, f"{q['id']}={int(stripped)}", message_key
                )
            return [Message(self.cat.text(loc, "pulse.rating_hint"))]
        # choice: the number or the label
        choices = q["choices"]
        for i, c in enumerate(choices, start=1):
            labels = {str(v).strip().lower() for v in c["label"].values()}
            if stripped.lower() in labels or stripped == str(i) or stripped.lower() == c["value"]:
                return await self.answer(tx, person, data, f"{q['id']}={c['value']}", message_key)
        return [Message(self.cat.text(loc, "pulse.choice_hint", count=len(choices)))]

    async def answer(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], value: str, message_key: str
    ) -> list[Message]:
        """A rating or choice button (or its typed equivalent)."""
        stale = await self._stale(tx, person, data, message_key)
        if stale is not None:
            return stale
        loc = person.locale
        steps = await self._steps(tx, data)
        step = steps[data["pos"]]
        qid, _, raw = value.partition("=")
        q = step.question
        if q is None or step.key != qid or q["kind"] == "open":
            return [
                Message(self.cat.text(loc, "pulse.stale")),
                self._question_message(person, data, step, steps),
            ]
        if q["kind"] == "rating":
            if raw not in {"1", "2", "3", "4", "5"}:
                return [Message(self.cat.text(loc, "pulse.rating_hint"))]
        elif raw not in {c["value"] for c in q["choices"]}:
            return [Message(self.cat.text(loc, "pulse.choice_hint", count=len(q["choices"])))]
        data["answers"][step.key] = {"v": raw}
        return await self._advance(tx, person, data, step, steps, "", message_key)

    async def consent(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], value: str, message_key: str
    ) -> list[Message]:
        stale = await self._stale(tx, person, data, message_key)
        if stale is not None:
            return stale
        steps = await self._steps(tx, data)
        if steps[data["pos"]].key != CONSENT_STEP:
            return [
                Message(self.cat.text(person.locale, "pulse.stale")),
                self._question_message(person, data, steps[data["pos"]], steps),
            ]
        data["share"] = value == "yes"
        return await self._advance(tx, person, data, steps[0], steps, "", message_key)

    async def _advance(
        self,
        tx: UnitOfWork,
        person: Person,
        data: dict[str, Any],
        step: Step,
        steps: list[Step],
        note: str,
        message_key: str,
    ) -> list[Message]:
        loc = person.locale
        done = self._done_message(person, data, step, message_key)
        data["pos"] += 1
        # a follow-up "why" only follows an answered question
        while data["pos"] < len(steps):
            nxt = steps[data["pos"]]
            if nxt.key.endswith(".why") and nxt.key[:-4] not in data["answers"]:
                data["pos"] += 1
                continue
            break
        out = [done] if done else []
        if note:
            out.append(Message(note))
        if data["pos"] >= len(steps):
            return out + await self.submit(tx, person, data)
        await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
        _ = loc
        return out + [self._question_message(person, data, steps[data["pos"]], steps)]

    def _done_message(
        self, person: Person, data: Mapping[str, Any], step: Step, message_key: str
    ) -> Message | None:
        """The answered question, updated in place without its buttons."""
        loc = person.locale
        key = self._key(data, step.key)
        answer = data["answers"].get(step.key)
        if step.question is None:
            shown = self.cat.text(
                loc, "pulse.button.share" if data.get("share") else "pulse.button.noshare"
            )
            text = self.cat.text(loc, "pulse.consent_done", answer=shown)
        elif answer is None:
            text = self.cat.text(loc, "pulse.skipped_done", n=step.number)
        else:
            text = self.cat.text(
                loc,
                "pulse.answered",
                n=step.number,
                answer=self._answer_label(step.question, answer, loc),
            )
        return Message(text, replaces=message_key or key, key=key) if message_key else None

    async def navigate(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], how: str, message_key: str
    ) -> list[Message]:
        stale = await self._stale(tx, person, data, message_key)
        if stale is not None:
            return stale
        loc = person.locale
        steps = await self._steps(tx, data)
        step = steps[data["pos"]]
        if how == "stop":
            data["paused"] = True
            await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
            return [
                Message(
                    self.cat.text(loc, "pulse.stopped", until=data["until"]),
                    (
                        Button(
                            self.cat.text(loc, "pulse.button.continue"),
                            START,
                            f"{data['round']}|{data['occurrence']}",
                            "primary",
                        ),
                    ),
                    replaces=message_key,
                    key=self._key(data, "paused"),
                )
            ]
        if how == "back":
            if data["pos"] == 0:
                return [
                    Message(self.cat.text(loc, "pulse.at_start")),
                    self._question_message(person, data, step, steps),
                ]
            data["pos"] -= 1
            while data["pos"] > 0:
                prev = steps[data["pos"]]
                if prev.key.endswith(".why") and prev.key[:-4] not in data["answers"]:
                    data["pos"] -= 1
                    continue
                break
            await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
            out = (
                [Message(self.cat.text(loc, "pulse.went_back"), replaces=message_key)]
                if message_key
                else []
            )
            return out + [self._question_message(person, data, steps[data["pos"]], steps)]
        # skip
        if step.question is None:
            data["share"] = False
        data["answers"].pop(step.key, None)
        if not step.key.endswith(".why"):
            data["answers"].pop(f"{step.key}.why", None)
        return await self._advance(tx, person, data, step, steps, "", message_key)

    async def submit(self, tx: UnitOfWork, person: Person, data: dict[str, Any]) -> list[Message]:
        """Hold the answers anonymously, mark (keyed) that this person finished, delete the
        draft, give a receipt. No row naming the person is written in this transaction."""
        loc = person.locale
        rnd = await tx.rounds.get(str(data["round"]))
        if rnd is None or await self._expired(tx, person, data):
            await tx.states.clear(person.id)
            return [Message(self.cat.text(loc, "pulse.expired", until=data["until"]))]
        answers: list[tuple[str, str, str | None]] = []
        for key, ans in data["answers"].items():
            if key == CONSENT_STEP:
                continue
            answers.append((key, str(ans.get("v", "")), ans.get("t")))
        segments = (
            {
                k: v
                for k, v in (
                    ("branch", person.branch),
                    ("classification", person.classification),
                    ("employment", person.employment),
                )
                if v
            }
            if data.get("share")
            else {}
        )
        occ = str(data["occurrence"])
        week = iso_week(date.fromisoformat(occ))
        # exactly once, even if the last answer arrives twice at the same moment
        part = await tx.participation.get(rnd.id, occ, person.id)
        if (part is None or part.completed
                or not await tx.marks.add_once(self.done_key(rnd.id, occ, person), rnd.id,
                                               "done")):
            await tx.states.clear(person.id)
            return [Message(self.cat.text(loc, "pulse.already_done"))]
        if answers:  # held with no person; released to responses in batches (see release)
            await tx.responses.hold(rnd.id, occ, answers, segments, week)
        await tx.states.clear(person.id)
        receipt = self.cat.text(
            loc,
            "pulse.receipt",
            count=len(answers),
            owner=_capital(_loc(rnd.owner, loc)),
            k=self.policy.k_responses,
            k_comments=self.policy.k_comments,
            shared=self.cat.text(
                loc, "pulse.receipt.shared" if segments else "pulse.receipt.notshared"
            ),
        )
        return [Message(receipt)]

    async def later(self, person: Person, message_key: str) -> list[Message]:
        return [Message(self.cat.text(person.locale, "pulse.later"), replaces=message_key)]



async def delete_expired_drafts(deps: Deps) -> int:
    """Delete unfinished survey drafts whose answer window has passed (they are linked to the
    person, so they must not outlive the window). Returns how many were deleted."""
    today = deps.clock.now().date()
    n = 0
    async with deps.uow() as tx:
        for state in await tx.states.in_flow(FLOW):
            until = state.data.get("until")
            try:
                expired = until is None or date.fromisoformat(str(until)) < today - timedelta(1)
            except ValueError:
                expired = True
            if expired:
                await tx.states.clear(state.person_id)
                n += 1
        await tx.commit()
    return n
