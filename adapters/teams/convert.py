"""Pure translation between Bot Framework activity JSON (as Teams POSTs it) and Outward's neutral
types, and neutral `Message` -> Adaptive Card JSON.

Nothing here imports botbuilder: it works on the plain dicts of the wire format, so it is tested
directly against recorded Teams activities, and it survives a move to the Microsoft 365 Agents
SDK unchanged (the wire format is the same Bot Framework v3 Activity schema).

Wire format: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object
Teams specifics: https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages
"""

from __future__ import annotations

import base64
import html
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adapters.chart import SCALE, alt_text, chart_png
from adapters.split import split
from adapters.teams.rows import action_rows
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    Event,
    FormSubmitted,
    TextReceived,
)
from conversations.messages import Message

PLATFORM = "teams"
CHANNEL_ID = "msteams"

# Teams renders Adaptive Cards up to schema 1.5 in bot messages (desktop, web and mobile):
# https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference#adaptive-card
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Card data keys (kept short: Teams echoes the whole data object back on every submit).
ACTION, VALUE, KEY, FORM = "a", "v", "k", "f"

REFERENCE_VERSION = 1
_SEND_LABEL = {"en": "Send", "es": "Enviar"}
_BOLD = re.compile(r"\*([^*\n]+)\*")
_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
LINK_TEXT = 60  # characters of a link's host and path shown (it wraps at its hyphens)

JSON = dict[str, Any]


# ---- reading activities ------------------------------------------------------------------------


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def tenant_id(activity: Mapping[str, Any]) -> str:
    """The Microsoft Entra tenant of an activity.

    Teams puts it in `channelData.tenant.id` and, in newer payloads, `conversation.tenantId`:
    https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
    """
    conv = _obj(activity.get("conversation"))
    return (
        _str(conv.get("tenantId"))
        or _str(_obj(_obj(activity.get("channelData")).get("tenant")).get("id"))
    )


def is_personal(activity: Mapping[str, Any]) -> bool:
    """A 1:1 chat between one person and the bot (conversationType 'personal')."""
    conv = _obj(activity.get("conversation"))
    kind = _str(conv.get("conversationType"))
    if kind:
        return kind == "personal"
    return not conv.get("isGroup")


def account_user_id(account: Mapping[str, Any]) -> str:
    """A person's stable id: the Entra (AAD) object id, else the Teams user id (29:...)."""
    return _str(account.get("aadObjectId")) or _str(account.get("id"))


def sender(activity: Mapping[str, Any]) -> Mapping[str, Any]:
    return _obj(activity.get("from"))


def client_info(activity: Mapping[str, Any]) -> tuple[str, str]:
    """(IANA time zone, locale) from the activity (`localTimezone`, `locale`) or its clientInfo
    entity: https://learn.microsoft.com/microsoftteams/platform/resources/bot-v3/bot-conversations/bots-conv-personal#get-the-users-time-zone
    """
    tz = _str(activity.get("localTimezone"))
    locale = _str(activity.get("locale"))
    for entity in activity.get("entities") or []:
        e = _obj(entity)
        if e.get("type") == "clientInfo":
            tz = tz or _str(e.get("timezone"))
            locale = locale or _str(e.get("locale"))
    return tz, locale


def language(locale: str) -> str:
    return (locale or "en").split("-")[0].lower() or "en"


def reference(activity: Mapping[str, Any], user: Mapping[str, Any] | None = None,
              personal: bool = True) -> JSON:
    """A conversation reference to reach a person proactively, as plain JSON.

    The SDK's own `TurnContext.get_conversation_reference` drops the tenant when Teams sent it
    only in channelData, and proactive sends fail without it, so it is kept explicitly.
    With `personal=False` the reference names no conversation: the adapter then creates the 1:1
    chat first (possible when the app is installed in a team the person belongs to):
    https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages#create-the-conversation
    """
    who = _obj(user) if user is not None else sender(activity)
    bot = _obj(activity.get("recipient"))
    tenant = tenant_id(activity)
    conv = _obj(activity.get("conversation"))
    _, locale = client_info(activity)
    ref: JSON = {
        "v": REFERENCE_VERSION,
        "channelId": _str(activity.get("channelId")) or CHANNEL_ID,
        "serviceUrl": _str(activity.get("serviceUrl")),
        "tenantId": tenant,
        "bot": {"id": _str(bot.get("id")), "name": _str(bot.get("name"))},
        "user": {"id": _str(who.get("id")), "aadObjectId": _str(who.get("aadObjectId"))},
        "locale": locale,
    }
    if personal:
        ref["conversation"] = {
            "id": _str(conv.get("id")),
            "conversationType": "personal",
            "tenantId": tenant,
        }
    return ref


def dumps(ref: Mapping[str, Any]) -> str:
    return json.dumps(ref, separators=(",", ":"), sort_keys=True)


def loads_reference(text: str) -> JSON | None:
    """A stored reference, or None when it is empty or not one of ours."""
    if not text:
        return None
    try:
        ref = json.loads(text)
    except ValueError:
        return None
    if not isinstance(ref, dict) or not ref.get("serviceUrl") or not _obj(ref.get("user")).get(
        "id"
    ):
        return None
    return ref


def address(activity: Mapping[str, Any], user: Mapping[str, Any] | None = None, *,
            route: str = "") -> Address:
    """The neutral address of a person in an activity.

    `route`: "personal" stores this 1:1 chat as the way to reach the person; "create" stores a
    reference without a conversation (the adapter creates the chat); "" stores nothing (channel
    messages must never become the route for private surveys)."""
    who = _obj(user) if user is not None else sender(activity)
    conversation = ""
    ref = ""
    if route == "personal":
        conversation = _str(_obj(activity.get("conversation")).get("id"))
        ref = dumps(reference(activity, who, personal=True))
    elif route == "create":
        ref = dumps(reference(activity, who, personal=False))
    return Address(PLATFORM, tenant_id(activity), account_user_id(who), conversation, ref,
                   direct=bool(ref))


def bot_mentioned(activity: Mapping[str, Any]) -> bool:
    bot_id = _str(_obj(activity.get("recipient")).get("id"))
    for entity in activity.get("entities") or []:
        e = _obj(entity)
        if e.get("type") == "mention" and _str(_obj(e.get("mentioned")).get("id")) == bot_id:
            return True
    return False


def message_text(activity: Mapping[str, Any]) -> str:
    """The typed text with the bot's @mention removed (what `TurnContext.remove_recipient_mention`
    does), other mentions reduced to the name, and Teams' HTML entities decoded:
    https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations#retrieve-mentions
    """
    text = _str(activity.get("text"))
    bot_id = _str(_obj(activity.get("recipient")).get("id"))
    for entity in activity.get("entities") or []:
        e = _obj(entity)
        if e.get("type") == "mention" and _str(_obj(e.get("mentioned")).get("id")) == bot_id:
            mention = _str(e.get("text"))
            if mention:
                text = text.replace(mention, " ")
    text = _AT.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def card_data(activity: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The data of an Adaptive Card submit: `value` of a message (Action.Submit) or of an
    `adaptiveCard/action` invoke (Action.Execute):
    https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-actions#adaptive-cards-actions
    """
    if activity.get("type") == "invoke":
        if activity.get("name") != "adaptiveCard/action":
            return None
        data = _obj(_obj(_obj(activity.get("value")).get("action")).get("data"))
        return data or None
    value = activity.get("value")
    return value if isinstance(value, Mapping) and value else None


def submit_event(addr: Address, data: Mapping[str, Any]) -> ButtonPressed | FormSubmitted | None:
    """A card submit as ButtonPressed / FormSubmitted; None for data that is not ours."""
    key = _str(data.get(KEY))
    if isinstance(data.get(ACTION), str):
        return ButtonPressed(addr, data[ACTION], _str(data.get(VALUE)), key)
    if isinstance(data.get(FORM), str):
        values = {
            str(k): v if isinstance(v, str) else json.dumps(v)
            for k, v in data.items()
            if k not in (ACTION, VALUE, KEY, FORM, "msteams")
        }
        return FormSubmitted(addr, data[FORM], values, key)
    return None


_PULSE_SUBS = frozenset({"start", "pause", "resume", "close", "status", "list", "schedule",
                         "thresholds", "early-results", "commit", "share"})
_LEARN_SUBS = frozenset({"join", "leave", "stats", "enrol"})
_MENTOR_SUBS = frozenset({"history", "pause", "resume", "pairs", "join", "leave", "stats",
                          "create", "import", "propose", "confirm", "pair", "feedback", "end"})


def parse_command(text: str) -> tuple[str, str] | None:
    """(command, args) for typed text that is a command, else None.

    `/anything args` is always a command. Without the slash only unmistakable command lines
    count (`help`, `privacy`, Spanish `ayuda`, `privacidad`,
    `pulse [start|pause|resume|close|status|list|schedule|thresholds|early-results|commit|share
    ...]`, `themes [ROUND [key=value ...]]`, what the manifest's
    command menu inserts), so an open answer such as
    "help with training" stays an answer."""
    stripped = text.strip()
    if stripped.startswith("/"):
        word, _, args = stripped[1:].partition(" ")
        return (word.lower(), args.strip()) if word else None
    word, _, args = stripped.partition(" ")
    word, args = word.lower(), args.strip()
    tokens = args.split()
    if word in ("help", "privacy", "ayuda", "privacidad") and not tokens:
        return word, ""
    if word == "pulse" and (not tokens or tokens[0].lower() in _PULSE_SUBS):
        return word, args
    if word == "themes" and _slice_args(args):
        return word, args
    if word == "learn" and (not tokens or tokens[0].lower() in _LEARN_SUBS):
        return word, args
    if word == "mentor" and tokens and tokens[0].lower() in _MENTOR_SUBS:
        return word, args
    return None


def _slice_args(args: str) -> bool:
    """`themes` arguments: nothing, a round, or a round then only `key=value` words
    (`listening-tour branch="Main Street"`); "themes of belonging matter" is an answer."""
    try:
        words = shlex.split(args)
    except ValueError:  # an unclosed quote
        return False
    return len(words) <= 1 or all("=" in w for w in words[1:])


def text_event(addr: Address, text: str, personal: bool) -> Event | None:
    """Typed text: commands (see parse_command) become CommandInvoked; other text in a 1:1 chat
    goes to the core as is. In channels only commands are taken (answers to a private survey must
    not be typed where colleagues read them); anything else gets help."""
    stripped = text.strip()
    command = parse_command(stripped) if stripped else None
    if command is not None:
        return CommandInvoked(addr, command[0], command[1])
    if personal:
        return TextReceived(addr, stripped) if stripped else None
    return CommandInvoked(addr, "help", "")


@dataclass(frozen=True)
class Inbound:
    """A message or card submit turned into an event, with what the adapter needs to reply."""

    event: Event
    personal: bool
    submitted_key: str = ""  # the card key of a submit (its activity is replyToId)


def inbound(activity: Mapping[str, Any]) -> Inbound | None:
    """A `message` (or `adaptiveCard/action` invoke) as a neutral event; None when it is not for
    the bot (a channel message that does not @mention it, an empty message, foreign card data)."""
    personal = is_personal(activity)
    data = card_data(activity)
    addr = address(activity, route="personal" if personal else "")
    if data is not None:
        event = submit_event(addr, data)
        if event is None:
            return None
        return Inbound(event, personal, event.message_key)
    if activity.get("type") != "message":
        return None
    if not personal and not bot_mentioned(activity):
        return None
    text_ev = text_event(addr, message_text(activity), personal)
    return Inbound(text_ev, personal) if text_ev is not None else None


# ---- rendering ---------------------------------------------------------------------------------


def _link(url: str) -> JSON:
    """A web address as a link run. TextRun never makes links by itself, and a long address is
    one unbreakable word that runs off the card's edge (its query string alone can be 100
    characters), so the run shows the host and path, which names where it goes, and opens the
    whole address: https://adaptivecards.io/explorer/TextRun.html (selectAction)"""
    parts = urlsplit(url)
    shown = parts.netloc + (parts.path if parts.path != "/" else "")
    if len(shown) > LINK_TEXT:
        shown = shown[:LINK_TEXT - 1] + "…"
    return {"type": "TextRun", "text": shown,
            "selectAction": {"type": "Action.OpenUrl", "url": url}}


def _plain_runs(text: str, weight: str = "") -> list[JSON]:
    runs: list[JSON] = []
    pos = 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            runs.append({"type": "TextRun", "text": text[pos:m.start()]})
        runs.append(_link(m.group(0)))
        pos = m.end()
    if pos < len(text):
        runs.append({"type": "TextRun", "text": text[pos:]})
    if weight:
        for run in runs:
            run["weight"] = weight
    return runs


def _runs(line: str) -> list[JSON]:
    """TextRuns for one line; `*bold*` becomes weight Bolder, a web address a link (see _link).
    TextRun never interprets markdown, so nothing a person wrote can turn into formatting or a
    link that hides where it goes: https://adaptivecards.io/explorer/TextRun.html"""
    runs: list[JSON] = []
    pos = 0
    for m in _BOLD.finditer(line):
        if m.start() > pos:
            runs.extend(_plain_runs(line[pos:m.start()]))
        runs.extend(_plain_runs(m.group(1), "Bolder"))
        pos = m.end()
    if pos < len(line):
        runs.extend(_plain_runs(line[pos:]))
    return runs


def _paragraphs(text: str, quoted: bool = False) -> list[JSON]:
    blocks: list[JSON] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        runs = (
            [{"type": "TextRun", "text": line, "italic": True}] if quoted else _runs(line)
        )
        block: JSON = {"type": "RichTextBlock", "inlines": runs}
        if blocks:
            block["spacing"] = "Medium" if gap else "None"
        blocks.append(block)
        gap = False
    return blocks


def plain(text: str) -> str:
    """The text with the bold markers removed (fallback text, notifications)."""
    return _BOLD.sub(r"\1", text)


_STYLE = {"primary": "positive", "danger": "destructive"}


CHART_WIDTH = 400
# The most the chart's data URI may take in a card (see CARD_BYTES): card_bytes reserves it
# without drawing the chart, so splitting a message stays cheap and off the worker thread.
CHART_BYTES = 17_000


def chart_uri(msg: Message) -> str | None:
    """The message's chart as a data URI of at most CHART_BYTES, or None when even a plainer
    drawing would not fit (the text says every share in words, so nothing is lost).

    Drawn CHART_WIDTH px wide at twice that size and stretched to the card: its 13 px labels
    show at about 10 px on a phone and 17 px on the desktop (drawn at 560, they were 7 px on a
    phone). A chart too big for that (some 14 bars of long labels) is drawn at the shown size."""
    title = msg.chart_title or "Theme shares"
    for scale in (SCALE, 1):
        png = base64.b64encode(chart_png(msg.chart, title, width=CHART_WIDTH, scale=scale))
        uri = "data:image/png;base64," + png.decode("ascii")
        if len(uri) <= CHART_BYTES:
            return uri
    return None


def render_card(msg: Message, lang: str = "en", *, image: str | None = None) -> JSON:
    """A neutral message as an Adaptive Card (schema CARD_VERSION).

    Buttons become Action.Submit with data {a, v, k}; a text input becomes Input.Text plus an
    Action.Submit with data {f, k}; Teams posts the data back with the inputs merged in:
    https://adaptivecards.io/explorer/Action.Submit.html
    Actions sit in ActionSets in the body (rows of ACTIONS_PER_ROW). A card rendered from a
    message without buttons or input has no action at all, which is what makes an answered
    question, once replaced, impossible to answer again. `image` is the chart's URI when it
    is already known (chart_uri draws it otherwise)."""
    body: list[JSON] = _paragraphs(msg.text)
    uri = (image if image is not None else chart_uri(msg)) if msg.chart else None
    if msg.chart and uri is not None:
        # Teams shows base64 data-URI images in cards, so the chart needs no hosting:
        # https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
        body.append({
            "type": "Image",
            "url": uri,
            "altText": alt_text(msg.chart, msg.chart_title or "Theme shares")[:1000],
            "size": "Stretch",
        })
    for quote in msg.quotes:
        container: JSON = {
            "type": "Container",
            "style": "emphasis",
            "items": _paragraphs(quote, quoted=True) or [
                {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": " "}]}
            ],
        }
        body.append(container)
    if msg.text_input is not None:
        ti = msg.text_input
        body.append({
            "type": "Input.Text",
            "id": ti.name,
            "label": ti.label,
            "isMultiline": True,
            "maxLength": max(1, ti.max_length),
        })
        body.append({"type": "ActionSet", "actions": [{
            "type": "Action.Submit",
            "title": ti.submit or _SEND_LABEL.get(lang, _SEND_LABEL["en"]),
            "style": "positive",
            "data": {FORM: ti.form, KEY: msg.key},
        }]})
    buttons: list[JSON] = []
    for b in msg.buttons:
        action: JSON = {
            "type": "Action.Submit",
            "title": b.label,
            "data": {ACTION: b.action, VALUE: b.value, KEY: msg.key},
        }
        if b.style in _STYLE:
            action["style"] = _STYLE[b.style]
        buttons.append(action)
    for row in action_rows([b.label for b in msg.buttons], [b.action for b in msg.buttons]):
        body.append({"type": "ActionSet", "actions": [buttons[i] for i in row]})
    if not body:
        body = [{"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": " "}]}]
    return {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": plain(msg.text),
    }


def card_actions(card: Mapping[str, Any]) -> list[JSON]:
    """Every action of a card, in order (top-level and in ActionSets, containers included)."""
    found: list[JSON] = list(card.get("actions") or [])

    def walk(items: Any) -> None:
        for item in items or []:
            if not isinstance(item, Mapping):
                continue
            if item.get("type") == "ActionSet":
                found.extend(item.get("actions") or [])
            walk(item.get("items"))

    walk(card.get("body"))
    return found


# A bot's message to Teams may be about 28 KB in all, activity and card together; a bigger one
# is refused with 413 "Request Entity Too Large":
# https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages
# The activity around the card (ids, conversation, tenant, summary) takes about 1 KB, so a
# card's JSON is kept within CARD_BYTES, measured as the SDK sends it (msrest's json.dumps:
# ASCII, so an "ó" of a Spanish text takes six bytes, "\u00f3").
CARD_BYTES = 24_000


def card_bytes(msg: Message, lang: str = "en") -> int:
    """The most a message's card can take as sent: its chart is counted as CHART_BYTES (the
    most chart_uri makes it) without being drawn, its alt text as it is."""
    card = render_card(msg, lang, image="")
    return len(json.dumps(card)) + (CHART_BYTES if msg.chart else 0)


def parts(msg: Message, lang: str = "en") -> list[Message]:
    """The message as one or more messages whose cards each stay within CARD_BYTES, split
    between lines (never inside one): a long share-back, in Spanish above all, is sent as
    several cards rather than refused."""
    return split(msg, lambda m: card_bytes(m, lang) <= CARD_BYTES)


def attachment(msg: Message, lang: str = "en") -> JSON:
    return {"contentType": CARD_CONTENT_TYPE, "content": render_card(msg, lang)}


def summary(msg: Message) -> str:
    """A one-line text for notifications and the chat list (cards alone show as 'Card')."""
    first = plain(msg.text).strip().splitlines()
    return first[0][:200] if first else ""
