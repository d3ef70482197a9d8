"""Pure translation between Slack payloads (plain dicts) and Outward's neutral types.

Inbound: Events API / interactivity / slash command payloads -> neutral events.
Outbound: neutral `Message`s -> Block Kit blocks, App Home views and answer modals.

No SDK and no I/O here, so every function can be tested directly against recorded payloads.
Payloads are read defensively: unknown or extra fields are ignored and a field that is missing or
of the wrong type makes the function return None (the request is then acked and dropped).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.chart import alt_text, chart_png
from adapters.split import split
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    FormSubmitted,
    HomeOpened,
    MemberJoined,
    MemberLeft,
    TextReceived,
)
from conversations.messages import Button, Message, TextInput

PLATFORM = "slack"
ACTION_PREFIX = "outward:"
BUTTON_ACTION = re.compile(r"^outward:b\d+$")  # one action_id per button, unique in a message
FORM_ACTION = "outward:form"  # the "Answer" button that opens the answer modal
FORM_CALLBACK = "outward:form"  # callback_id of that modal
INPUT_BLOCK = "outward:answer"
INPUT_ACTION = "value"

# Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS = 25
MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_INPUT_LENGTH = 3000  # plain_text_input max_length
MAX_FALLBACK_TEXT = 3000
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal: alt_txt_too_large above this
MAX_FILE_TITLE = 250
CHART_FILENAME = "theme-shares.png"

_SPECIAL_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
# *bold* in Outward's own texts: the blocks show it bold, but the top-level `text` is what
# push and desktop notifications show, and they show mrkdwn marks as typed
# (https://docs.slack.dev/reference/methods/chat.postMessage#text_usage)
_BOLD = re.compile(r"\*([^*\n]+)\*")
_WORD_JOINER = "\u2060"


# ---- escaping -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape text for mrkdwn so it can never ping or link.

    Slack's only control characters are &, < and > ("Escaping text",
    https://docs.slack.dev/messaging/formatting-message-text#escaping): with them escaped no
    `<!channel>`, `<@U123>` or `<https://x|label>` can be formed. Bare `@channel`/`@here` are only
    parsed with `link_names`/`parse=full`, which we never send, but get a word joiner anyway."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL_MENTION.sub(lambda m: "@" + _WORD_JOINER + m.group(1), out)


def quote(text: str) -> str:
    """User-written text as an escaped mrkdwn block quote; formatting marks are neutralised too."""
    body = escape(text)
    # *bold*, _italic_, ~strike~ and `code` in someone's answer are shown literally
    body = re.sub(r"([*_~`])", "\u200b\\1\u200b", body)
    return "\n".join("> " + line if line else ">" for line in body.splitlines() or [""])


def unescape(text: str) -> str:
    """Slack's message text -> what the person typed (entities back to characters)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain(text: str, limit: int) -> dict[str, Any]:
    text = text.strip() or "-"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text, "emoji": True}


def _chunks(text: str, limit: int) -> list[str]:
    """Split text at line breaks into pieces of at most `limit` characters."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        out.append(current)
    return out


# ---- outbound -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a round's invitations all carry the same few buttons
def encode_button(button: Button, key: str) -> str:
    """Everything a press needs, in the button's own value (no server-side lookup)."""
    value = json.dumps({"a": button.action, "v": button.value, "k": key},
                       separators=(",", ":"), ensure_ascii=False)
    if len(value) > MAX_BUTTON_VALUE:
        value = json.dumps({"a": button.action, "v": button.value, "k": ""},
                           separators=(",", ":"), ensure_ascii=False)
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value for {button.action!r} is over Slack's 2000 characters")
    return value


def encode_form(text_input: TextInput, key: str) -> str:
    value = json.dumps(
        {"f": text_input.form, "n": text_input.name, "l": text_input.label[:150],
         "s": text_input.submit[:MAX_MODAL_TITLE], "m": text_input.max_length, "k": key},
        separators=(",", ":"), ensure_ascii=False,
    )
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError("text input value is over Slack's 2000 characters")
    return value


def message_blocks(message: Message, index: int = 0) -> list[dict[str, Any]]:
    """One neutral message as Block Kit blocks (text, quotes, then its buttons); a message
    with more than MAX_MESSAGE_BLOCKS is cut there, so senders split it first (`parts`).

    `index` keeps block_ids unique when several messages share one surface (Home tab)."""
    return _blocks(message, index)[:MAX_MESSAGE_BLOCKS]


def _blocks(message: Message, index: int = 0) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for piece in _chunks(escape(message.text), MAX_SECTION_TEXT):
        # verbatim: no auto-linking of names, channels or URLs in our own text either
        blocks.append({"type": "section",
                       "text": {"type": "mrkdwn", "text": piece, "verbatim": True}})
    for q in message.quotes:
        for piece in _chunks(quote(q), MAX_SECTION_TEXT):
            blocks.append({"type": "section",
                           "text": {"type": "mrkdwn", "text": piece, "verbatim": True}})
    elements: list[dict[str, Any]] = []
    if message.text_input is not None:
        elements.append({
            "type": "button",
            "action_id": FORM_ACTION,
            "text": _plain("✏️ " + message.text_input.label, MAX_BUTTON_TEXT),
            "value": encode_form(message.text_input, message.key),
            "style": "primary",
        })
    for i, b in enumerate(message.buttons):
        element: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ACTION_PREFIX}b{i}",
            "text": _plain(b.label, MAX_BUTTON_TEXT),
            "value": encode_button(b, message.key),
        }
        if b.style in ("primary", "danger"):
            element["style"] = b.style
        elements.append(element)
    for n in range(0, len(elements), MAX_ACTIONS):
        blocks.append({"type": "actions",
                       "block_id": f"outward:actions:{index}:{n // MAX_ACTIONS}",
                       "elements": elements[n:n + MAX_ACTIONS]})
    return blocks


def parts(message: Message) -> list[Message]:
    """The message as one or more messages of at most MAX_MESSAGE_BLOCKS blocks each (Slack
    rejects more with `invalid_blocks`), split between lines: a long `/themes` or share-back
    is sent as several messages rather than refused or cut."""
    return split(message, lambda m: len(_blocks(m)) <= MAX_MESSAGE_BLOCKS)


def fallback_text(message: Message) -> str:
    """The notification / screen-reader text that goes with the blocks (plain: no *bold*
    marks, which notifications would show as typed)."""
    text = escape(_BOLD.sub(r"\1", message.text)).strip() or "Outward"
    return text if len(text) <= MAX_FALLBACK_TEXT else text[: MAX_FALLBACK_TEXT - 1] + "…"


def render(message: Message) -> dict[str, Any]:
    """Arguments for chat.postMessage / chat.update / a response_url (no channel)."""
    return {"text": fallback_text(message), "blocks": message_blocks(message)}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_upload(message: Message) -> dict[str, Any] | None:
    """A message's chart as arguments for files_upload_v2 (no channel), or None without one.

    The title is the message's first line with the *bold* marks dropped; title and alt text are
    escaped like message text so nothing in them can ping or link."""
    if not message.chart:
        return None
    first = message.text.strip().split("\n", 1)[0].replace("*", "").strip()
    heading = message.chart_title or "Theme shares"  # the chart's title in the reader's words
    title = escape(f"{heading} — {first}" if first else heading)
    return {
        "file": chart_png(message.chart, heading),
        "filename": CHART_FILENAME,
        "title": _clip(title, MAX_FILE_TITLE),
        "alt_txt": _clip(escape(alt_text(message.chart, heading)), MAX_ALT_TEXT),
    }


def combine(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Several messages as few payloads, in order, each of at most MAX_MESSAGE_BLOCKS blocks
    (a slash command's reply is one payload on the ack; more go to its response_url). Messages
    share a payload while they fit, separated by dividers; none is cut."""
    payloads: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    texts: list[str] = []

    def flush() -> None:
        if blocks:
            text = " ".join(texts)
            if len(text) > MAX_FALLBACK_TEXT:
                text = text[: MAX_FALLBACK_TEXT - 1] + "…"
            payloads.append({"text": text or "Outward", "blocks": list(blocks)})
            blocks.clear()
            texts.clear()

    index = 0
    for message in messages:
        for part in parts(message):
            mine = _blocks(part, index)
            index += 1
            if blocks and len(blocks) + 1 + len(mine) > MAX_MESSAGE_BLOCKS:
                flush()
            if blocks:
                blocks.append({"type": "divider"})
            blocks.extend(mine)
            texts.append(fallback_text(part))
    flush()
    return payloads


def home_view(messages: Sequence[Message]) -> dict[str, Any]:
    """The App Home tab: the person's open rounds, then the privacy promise."""
    blocks: list[dict[str, Any]] = []
    for i, m in enumerate(messages):
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(message_blocks(m, i))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


@dataclass(frozen=True)
class FormRequest:
    """The "Answer" button was pressed: open a modal for an open-text answer."""

    address: Address
    trigger_id: str
    form: str
    name: str
    label: str
    max_length: int
    message_key: str
    question: str
    channel: str
    ts: str
    submit: str = ""


def answer_modal(req: FormRequest) -> dict[str, Any]:
    """A modal with one multiline plain_text_input; see
    https://docs.slack.dev/surfaces/modals (private_metadata carries the form and the message)."""
    meta = json.dumps({"f": req.form, "n": req.name, "k": req.message_key, "c": req.channel,
                       "t": req.ts}, separators=(",", ":"), ensure_ascii=False)
    if len(meta) > MAX_PRIVATE_METADATA:
        meta = json.dumps({"f": req.form, "n": req.name, "k": "", "c": "", "t": ""})
    blocks: list[dict[str, Any]] = []
    if req.question.strip():
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": req.question[:MAX_SECTION_TEXT], "verbatim": True}})
    blocks.append({
        "type": "input",
        "block_id": INPUT_BLOCK,
        "label": _plain(req.label or "Answer", 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": INPUT_ACTION,
            "multiline": True,
            "max_length": max(1, min(req.max_length or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH)),
        },
    })
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": meta,
        "title": _plain(req.label or "Outward", MAX_MODAL_TITLE),
        "submit": _plain(req.submit or "OK", MAX_MODAL_TITLE),
        "blocks": blocks,
    }


# ---- inbound --------------------------------------------------------------------------------


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace a payload belongs to (team id; the org id for org-wide-only payloads)."""
    return (
        _str(body.get("team_id"))
        or _str(_dict(body.get("team")).get("id"))
        or _str(_dict(body.get("user")).get("team_id"))
        or _str(_dict(body.get("view")).get("team_id"))
        or _str(_dict(body.get("event")).get("team"))
        or _str(body.get("enterprise_id"))
        or _str(_dict(body.get("enterprise")).get("id"))
    )


def _dm(channel: str) -> str:
    """Only a direct-message channel (D...) is kept as the person's conversation."""
    return channel if channel.startswith("D") else ""


def _address(team: str, user: str, channel: str = "") -> Address:
    """The person's address; a DM channel makes it `direct` (their route for proactive sends).

    Slack only delivers message.im and app_home_opened for the bot's own DMs, so there a D...
    channel is the person's DM with Outward. An interaction on one of our messages can also come
    from a DM between two people (a button on an ephemeral reply to a slash command typed
    there): the adapter checks those against the bot's DM id (SlackAdapter._settle)."""
    dm = _dm(channel)
    return Address(PLATFORM, team, user, dm, direct=bool(dm))


def _home(team: str, user: str, channel: str = "") -> Address:
    """The App Home tab is the person's own surface with Outward (nobody else sees it), so it
    counts as their one-to-one chat even without a channel id."""
    return Address(PLATFORM, team, user, _dm(channel), direct=True)


@dataclass(frozen=True)
class Origin:
    """Where an interaction happened, so replies can update the pressed message in place."""

    key: str = ""
    channel: str = ""
    ts: str = ""
    ephemeral: bool = False
    in_view: bool = False
    response_url: str = ""


def action(body: Mapping[str, Any]) -> tuple[ButtonPressed | FormRequest, Origin] | None:
    """A block_actions payload for one of our buttons -> ButtonPressed or FormRequest."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    act = actions[0]
    action_id = _str(act.get("action_id"))
    try:
        data = json.loads(_str(act.get("value")) or "null")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    user = _str(_dict(body.get("user")).get("id"))
    team = team_of(body)
    if not user or not team:
        return None
    container = _dict(body.get("container"))
    channel = _str(_dict(body.get("channel")).get("id")) or _str(container.get("channel_id"))
    message = _dict(body.get("message"))
    ts = _str(container.get("message_ts")) or _str(message.get("ts"))
    in_view = container.get("type") == "view" or "view" in body and not message
    key = _str(data.get("k"))
    origin = Origin(
        key=key,
        channel="" if in_view else channel,
        ts="" if in_view else ts,
        ephemeral=bool(container.get("is_ephemeral")),
        in_view=in_view,
        response_url=_str(body.get("response_url")),
    )
    address = _home(team, user) if in_view else _address(team, user, channel)
    if action_id == FORM_ACTION:
        blocks = message.get("blocks")
        question = ""
        if isinstance(blocks, list) and blocks and isinstance(blocks[0], Mapping):
            question = _str(_dict(blocks[0].get("text")).get("text"))
        max_length = data.get("m")
        return FormRequest(
            address=address,
            trigger_id=_str(body.get("trigger_id")),
            form=_str(data.get("f")),
            name=_str(data.get("n")) or "answer",
            label=_str(data.get("l")),
            max_length=max_length if isinstance(max_length, int) else MAX_INPUT_LENGTH,
            message_key=key,
            question=question,
            channel=origin.channel,
            ts=origin.ts,
            submit=_str(data.get("s")),
        ), origin
    if not BUTTON_ACTION.match(action_id) or not isinstance(data.get("a"), str):
        return None
    return ButtonPressed(address, data["a"], _str(data.get("v")), key), origin


def form_submitted(body: Mapping[str, Any]) -> tuple[FormSubmitted, Origin] | None:
    """A view_submission of our answer modal -> FormSubmitted (+ the message to update)."""
    view = _dict(body.get("view"))
    if view.get("callback_id") != FORM_CALLBACK:
        return None
    try:
        meta = json.loads(_str(view.get("private_metadata")) or "null")
    except ValueError:
        return None
    if not isinstance(meta, dict):
        return None
    user = _str(_dict(body.get("user")).get("id"))
    team = team_of(body)
    if not user or not team:
        return None
    values = _dict(_dict(view.get("state")).get("values"))
    text = _dict(_dict(values.get(INPUT_BLOCK)).get(INPUT_ACTION)).get("value")
    if not isinstance(text, str):
        return None  # our input is required: Slack always sends its text
    channel = _str(meta.get("c"))
    origin = Origin(key=_str(meta.get("k")), channel=channel, ts=_str(meta.get("t")))
    event = FormSubmitted(_address(team, user, channel), _str(meta.get("f")),
                          {_str(meta.get("n")) or "answer": text}, _str(meta.get("k")))
    return event, origin


def direct_message(body: Mapping[str, Any]) -> TextReceived | None:
    """A person's message in their DM with the bot (message.im) -> TextReceived.

    Edits, deletions, joins and bot messages (any `subtype` or `bot_id`) are not answers:
    https://docs.slack.dev/reference/events/message.im"""
    event = _dict(body.get("event"))
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, text = _str(event.get("user")), _str(event.get("channel")), event.get("text")
    team = team_of(body)
    if not user or not channel or not isinstance(text, str) or not team:
        return None
    return TextReceived(_address(team, user, channel), unescape(text))


def command(body: Mapping[str, Any]) -> CommandInvoked | None:
    """A slash command -> CommandInvoked(name without the slash, the rest as args).

    The command's channel may be any channel (`command_channel`), so the address is not direct;
    the adapter makes it direct when that channel is the person's DM with Outward."""
    name = _str(body.get("command")).strip().lstrip("/").lower()
    user, team = _str(body.get("user_id")), team_of(body)
    if not name or not user or not team:
        return None
    return CommandInvoked(Address(PLATFORM, team, user), name, unescape(_str(body.get("text"))))


def command_channel(body: Mapping[str, Any]) -> str:
    """The channel a slash command was typed in (C..., G..., or D... for any DM)."""
    return _str(body.get("channel_id"))


def home_opened(body: Mapping[str, Any]) -> HomeOpened | None:
    """app_home_opened on the Home tab (not the Messages tab)."""
    event = _dict(body.get("event"))
    if event.get("type") != "app_home_opened" or event.get("tab", "home") != "home":
        return None
    user, team = _str(event.get("user")), team_of(body)
    if not user or not team:
        return None
    return HomeOpened(_home(team, user, _str(event.get("channel"))))


def member(user: Mapping[str, Any], team: str = "") -> MemberJoined | MemberLeft | None:
    """A users.list / users.info / team_join / user_change user object -> neutral event.

    Bots, apps and Slackbot are skipped; a deactivated account (`deleted`) has left.
    https://docs.slack.dev/reference/objects/user-object"""
    uid = _str(user.get("id"))
    ws = team or _str(user.get("team_id"))
    if not uid or not ws or uid == "USLACKBOT" or user.get("is_bot") or user.get("is_app_user"):
        return None
    address = Address(PLATFORM, ws, uid)
    if user.get("deleted"):
        return MemberLeft(address)
    profile = _dict(user.get("profile"))
    name = (_str(profile.get("real_name")) or _str(user.get("real_name"))
            or _str(profile.get("display_name")) or _str(user.get("name")))
    return MemberJoined(address, display_name=name, email=_str(profile.get("email")),
                        timezone=_str(user.get("tz")), locale=_str(user.get("locale")))


def member_event(body: Mapping[str, Any]) -> MemberJoined | MemberLeft | None:
    """team_join / user_change events keep the roster links current."""
    event = _dict(body.get("event"))
    if event.get("type") not in ("team_join", "user_change"):
        return None
    user = _dict(event.get("user"))
    return member(user, team_of(body) or _str(user.get("team_id")))
