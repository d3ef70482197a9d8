"""The messages of a survey: the invitation, each question (buttons for ratings and choices, a
text box for open answers), the answered question without its buttons, the pause note. Pure
functions of the catalog, the policy, the person and the draft."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.context import Policy
from conversations.help import PRIVACY
from conversations.messages import Button, Message, TextInput, localized
from conversations.pulse.draft import Answer, Draft, Step
from conversations.questions import Question
from prompts.loader import Catalog
from storage.models import Person, Round

# the actions of survey buttons and the id of the answer form
START = "pulse:start"
LATER = "pulse:later"
CONSENT = "pulse:consent"
ANSWER = "pulse:answer"
NAV = "pulse:nav"
TEXT_FORM = "pulse:text"


def capital(text: str) -> str:
    """'the Equity Committee' -> 'The Equity Committee' at the start of a line."""
    return text[:1].upper() + text[1:]


def segment_words(cat: Catalog, loc: str, branch: str, classification: str,
                  employment: str) -> list[str]:
    """A person's reporting segments as they read them: the roster's branch and job
    classification as written, FT/PT in words ("part-time", "jornada parcial")."""
    shown = [branch, classification,
             cat.text(loc, f"pulse.employment.{employment}") if employment else ""]
    return [v for v in shown if v]


def invitation(cat: Catalog, person: Person, rnd: Round, occurrence: str, until: str,
               questions: int, reminder: bool) -> Message:
    loc = person.locale
    values = {
        "name": person.display_name.split(" ")[0],
        "owner": localized(rnd.owner, loc),
        "title": localized(rnd.title, loc),
        "count": questions,
        "minutes": max(2, round(questions * 0.5)),
        "until": until,
    }
    value = f"{rnd.id}|{occurrence}"
    buttons = (
        Button(cat.text(loc, "pulse.button.start"), START, value, "primary"),
        Button(cat.text(loc, "pulse.button.later"), LATER, value),
        Button(cat.text(loc, "pulse.button.privacy"), PRIVACY, ""),
    )
    key = "pulse.reminder" if reminder else "pulse.invite"
    return Message(cat.text(loc, key, **values), buttons, key=f"invite:{rnd.id}:{occurrence}")


def answer_label(cat: Catalog, q: Question, answer: Answer, loc: str) -> str:
    """How an answer reads back: "your comment", a choice's label, or the rating."""
    if answer.text is not None:
        return cat.text(loc, "pulse.your_comment")
    if q.kind == "choice":
        return q.choice_label(answer.value, loc)
    return answer.value


def _text_box(cat: Catalog, loc: str, policy: Policy) -> TextInput:
    return TextInput(TEXT_FORM, "answer", cat.text(loc, "pulse.input_label"),
                     policy.max_answer_chars, cat.text(loc, "pulse.button.send"))


def question(cat: Catalog, policy: Policy, person: Person, draft: Draft, step: Step,
             steps: Sequence[Step]) -> Message:
    """The message that asks `step` (with what was answered before, when going back)."""
    loc = person.locale
    nav = [
        Button(cat.text(loc, "pulse.button.skip"), NAV, "skip"),
        Button(cat.text(loc, "pulse.button.back"), NAV, "back"),
        Button(cat.text(loc, "pulse.button.stop"), NAV, "stop"),
    ]
    key = draft.message_key(step.key)
    q = step.question
    if q is None:
        segs = segment_words(cat, loc, person.branch or "", person.classification or "",
                             person.employment or "") or [cat.text(loc, "pulse.consent.none")]
        text = cat.text(loc, "pulse.consent", segments=", ".join(segs), k=policy.k_responses)
        buttons = [
            Button(cat.text(loc, "pulse.button.share"), CONSENT, "yes", "primary"),
            Button(cat.text(loc, "pulse.button.noshare"), CONSENT, "no"),
            nav[2],
        ]
        return Message(text, tuple(buttons), key=key)
    total = max(s.number for s in steps)
    header = cat.text(loc, "pulse.header", n=step.number, total=total)
    previous = draft.answers.get(step.key)
    if step.why:
        text = f"{header}\n{localized(q.follow_up, loc)}"
        if previous is not None and previous.text:
            text += "\n" + cat.text(loc, "pulse.previous_text")
        return Message(text, tuple(nav), _text_box(cat, loc, policy), key=key)
    text = f"{header}\n{localized(q.text, loc)}"
    if q.kind == "rating":
        low, high = q.scale_labels.get(loc) or q.scale_labels.get("en") or ("", "")
        if q.commitment is not None:  # a progress question names its middle too, as results do
            text += "\n" + cat.text(loc, "pulse.scale_mid", low=low or "1",
                                     mid=cat.text(loc, "loop.progress_mid"), high=high or "5")
        else:
            text += "\n" + cat.text(loc, "pulse.scale", low=low or "1", high=high or "5")
        buttons = [Button(str(v), ANSWER, f"{q.id}={v}") for v in range(1, 6)]
    elif q.kind == "choice":
        buttons = [Button(localized(c.label, loc), ANSWER, f"{q.id}={c.value}")
                   for c in q.choices]
    else:
        buttons = []
    if previous is not None and previous.text is not None:
        text += "\n" + cat.text(loc, "pulse.previous_text")
    elif previous is not None:
        text += "\n" + cat.text(loc, "pulse.previous", answer=answer_label(cat, q, previous, loc))
    box = _text_box(cat, loc, policy) if q.kind == "open" else None
    return Message(text, tuple(buttons + nav), box, key=key)


def answered(cat: Catalog, person: Person, draft: Draft, step: Step,
             message_key: str) -> Message | None:
    """The answered (or skipped) question, updated in place without its buttons; None when
    there is no message to update (typed text)."""
    if not message_key:
        return None
    loc = person.locale
    answer = draft.answers.get(step.key)
    if step.question is None:
        shown = cat.text(loc, "pulse.button.share" if draft.share else "pulse.button.noshare")
        text = cat.text(loc, "pulse.consent_done", answer=shown)
    elif answer is None:
        text = cat.text(loc, "pulse.skipped_done", n=step.number)
    else:
        text = cat.text(loc, "pulse.answered", n=step.number,
                        answer=answer_label(cat, step.question, answer, loc))
    return Message(text, replaces=message_key, key=draft.message_key(step.key))


def stopped(cat: Catalog, person: Person, draft: Draft, message_key: str) -> Message:
    """Paused: the answers so far are kept until the round's last day."""
    loc = person.locale
    resume = Button(cat.text(loc, "pulse.button.continue"), START,
                    f"{draft.round_id}|{draft.occurrence}", "primary")
    return Message(cat.text(loc, "pulse.stopped", until=draft.until), (resume,),
                   replaces=message_key, key=draft.message_key("paused"))
