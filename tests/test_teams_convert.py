"""adapters.teams.convert on its own: recorded Teams activities -> neutral events, and neutral
messages -> Adaptive Cards that validate against the card schema version they declare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.teams import convert
from adapters.teams import rows as layout
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    FormSubmitted,
    TextReceived,
)
from conversations.messages import Button, Message, TextInput
from tests.support import shared_data

FIXTURES = shared_data() / "teams_activity_fixtures"
needs_fixtures = pytest.mark.skipif(
    not FIXTURES.is_dir(), reason=f"shared Teams fixtures not found at {FIXTURES}"
)


def fixture(*parts: str) -> dict[str, Any]:
    return json.loads(FIXTURES.joinpath(*parts).read_text())


# ---- activities -> events -----------------------------------------------------------------------


@needs_fixtures
def test_every_recorded_activity_converts_without_error() -> None:
    count = 0
    for path in sorted(FIXTURES.rglob("*.json")):
        if path.name == "INDEX.json":
            continue
        act = json.loads(path.read_text())
        got = convert.inbound(act)
        if got is not None:
            assert got.event.address.platform == "teams"
        convert.tenant_id(act)
        convert.client_info(act)
        count += 1
    assert count >= 80


@needs_fixtures
def test_real_channel_capture_mention_is_stripped_and_routes_nothing() -> None:
    act = fixture("teams_net_test_literals", "TeamsActivityTests__json__L223.json")
    assert convert.bot_mentioned(act)
    assert convert.message_text(act) == "reply to thread"
    assert convert.tenant_id(act) == "50612dbb-0237-4969-b378-8d42590f9c00"
    assert convert.client_info(act) == ("America/Los_Angeles", "en-US")
    got = convert.inbound(act)
    assert got is not None and not got.personal
    # not a command: in a channel that means help, never a survey answer
    assert got.event == CommandInvoked(got.event.address, "help", "")
    a = got.event.address
    assert a.user == "b15a9416-0ad3-4172-9210-7beb711d3f70"  # the AAD object id
    assert a.workspace == "50612dbb-0237-4969-b378-8d42590f9c00"
    assert a.conversation == "" and a.reference == ""  # a channel is never a private route

    act = dict(act, text="<at>ridotest</at> pulse status")
    got = convert.inbound(act)
    assert got is not None and got.event == CommandInvoked(got.event.address, "pulse", "status")


@needs_fixtures
def test_channel_message_without_a_mention_is_ignored() -> None:
    act = fixture("teams_net_test_literals", "TeamsActivityTests__json__L223.json")
    act = dict(act, entities=[e for e in act["entities"] if e["type"] != "mention"],
               text="just chatting")
    assert convert.inbound(act) is None


@needs_fixtures
def test_personal_message_keeps_tenant_and_reference() -> None:
    act = fixture("msteams_docs_examples", "message_personal_hello.json")
    got = convert.inbound(act)
    assert got is not None and got.personal
    assert isinstance(got.event, TextReceived)
    a = got.event.address
    assert a.workspace == convert.tenant_id(act) != ""
    assert a.conversation == act["conversation"]["id"]
    ref = json.loads(a.reference)
    assert ref["serviceUrl"] == act["serviceUrl"]
    assert ref["tenantId"] == a.workspace
    assert ref["conversation"]["tenantId"] == a.workspace
    assert ref["user"]["id"] == act["from"]["id"]
    assert ref["bot"]["id"] == act["recipient"]["id"]
    assert convert.loads_reference(a.reference) == ref

    act2 = fixture("msteams_docs_examples", "message_personal_hi_with_conversation_tenantId.json")
    assert convert.tenant_id(act2) == "72f988bf-86f1-41af-91ab-2d7cd011db47"


@needs_fixtures
def test_adaptive_card_invoke_with_foreign_data_is_not_ours() -> None:
    act = fixture("teams_net_test_literals", "TeamsActivityTests__jsonInvoke__L164.json")
    assert convert.card_data(act) == {"feedback": "test invokes"}
    assert convert.inbound(act) is None
    act["value"]["action"]["data"] = {"a": "answer", "v": "q1=3", "k": "q:1"}
    got = convert.inbound(act)
    assert got is not None and isinstance(got.event, ButtonPressed)
    assert (got.event.action, got.event.value, got.event.message_key) == ("answer", "q1=3", "q:1")


def _addr() -> Address:
    return Address("teams", "t", "u", "c", "")


def test_card_submits_become_button_presses_and_forms() -> None:
    assert convert.submit_event(_addr(), {"a": "nav", "v": "skip", "k": "q:2"}) == \
        ButtonPressed(_addr(), "nav", "skip", "q:2")
    form = convert.submit_event(_addr(), {"f": "pulse.text", "k": "q:3", "answer": "Paid time"})
    assert form == FormSubmitted(_addr(), "pulse.text", {"answer": "Paid time"}, "q:3")
    # a button on a card that also has a text box: the typed text rides along, the press wins
    assert isinstance(convert.submit_event(_addr(), {"a": "nav", "v": "skip", "k": "q",
                                                     "answer": "x"}), ButtonPressed)
    assert convert.submit_event(_addr(), {"feedback": "x"}) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("help", ("help", "")),
    ("Help", ("help", "")),
    ("/help", ("help", "")),
    ("privacy", ("privacy", "")),
    ("pulse", ("pulse", "")),
    ("pulse status", ("pulse", "status")),
    ("pulse start listening-tour", ("pulse", "start listening-tour")),
    ("/pulse start listening-tour", ("pulse", "start listening-tour")),
    ("themes", ("themes", "")),
    ("themes listening-tour", ("themes", "listening-tour")),
    # what the help and README tell chairs to type, without the slash
    ("themes listening-tour branch=Central", ("themes", "listening-tour branch=Central")),
    ('themes listening-tour branch="Main Street"',
     ("themes", 'listening-tour branch="Main Street"')),
    ("pulse commit listening-tour Interpreters at story time",
     ("pulse", "commit listening-tour Interpreters at story time")),
    ("pulse share listening-tour send", ("pulse", "share listening-tour send")),
    ("pulse thresholds listening-tour k=7", ("pulse", "thresholds listening-tour k=7")),
    ("/outward help", ("outward", "help")),
    ("help with training would be nice", None),  # an open answer, not a command
    ("pulse checks are too frequent", None),
    ("themes of belonging matter to me", None),
    ("themes like pay=fairness matter", None),
    ('themes "unclosed', None),
    ("pulse shares are confusing", None),
    ("Temas salariales", None),  # a Spanish answer ("/temas" with the slash is the command)
    ("Paid time for training", None),
])
def test_commands_with_or_without_slash(typed: str, expected: tuple[str, str] | None) -> None:
    assert convert.parse_command(typed) == expected


def test_text_in_a_personal_chat_goes_to_the_core_as_typed() -> None:
    assert convert.text_event(_addr(), "Paid time for training", True) == \
        TextReceived(_addr(), "Paid time for training")
    assert convert.text_event(_addr(), "", True) is None
    assert convert.text_event(_addr(), "I hate this", False) == CommandInvoked(_addr(), "help")


def test_message_text_decodes_teams_html() -> None:
    act = {"text": "<at>Outward</at>&nbsp;pulse&nbsp;status <at>Mei Tanaka</at>",
           "recipient": {"id": "28:bot"},
           "entities": [{"type": "mention", "text": "<at>Outward</at>",
                         "mentioned": {"id": "28:bot"}}]}
    assert convert.message_text(act) == "pulse status Mei Tanaka"


def test_references_without_a_conversation_and_garbage() -> None:
    act = {"serviceUrl": "https://smba.example/amer/", "channelId": "msteams",
           "conversation": {"id": "19:team@thread.tacv2", "conversationType": "channel",
                            "tenantId": "t1"},
           "recipient": {"id": "28:bot", "name": "Outward"}, "from": {"id": "29:someone"}}
    a = convert.address(act, {"id": "29:x", "aadObjectId": "aad-x"}, route="create")
    ref = convert.loads_reference(a.reference)
    assert ref is not None and "conversation" not in ref and ref["user"]["id"] == "29:x"
    assert a.user == "aad-x" and a.conversation == ""
    for junk in ("", "not json", "[]", '{"serviceUrl": "x"}'):
        assert convert.loads_reference(junk) is None


# ---- messages -> Adaptive Cards ---------------------------------------------------------------

# The subset of the Adaptive Cards schema (https://adaptivecards.io/explorer/) this adapter
# emits: for each type, the version that introduced it and the properties (with the version
# that introduced each) the schema allows; enums as the schema defines them. The check is strict:
# an unknown type, an unknown or too-new property, a wrong enum value or a missing required
# property fails, so a card that passes is valid for the declared version.
_SPACING = {"default", "none", "small", "medium", "large", "extralarge", "padding"}
_ELEMENT = {"id": "1.0", "spacing": "1.0", "separator": "1.0", "isVisible": "1.2",
            "requires": "1.2", "fallback": "1.2", "height": "1.1"}
_SCHEMA: dict[str, dict[str, Any]] = {
    "AdaptiveCard": {"since": "1.0", "required": {"type", "version"}, "props": {
        "type": "1.0", "version": "1.0", "body": "1.0", "actions": "1.0", "$schema": "1.0",
        "fallbackText": "1.0", "speak": "1.0", "lang": "1.0", "minHeight": "1.2",
        "rtl": "1.5", "selectAction": "1.1", "verticalContentAlignment": "1.1",
        "backgroundImage": "1.0", "refresh": "1.4", "authentication": "1.4",
        "metadata": "1.6", "msteams": "1.0"}},
    "RichTextBlock": {"since": "1.2", "required": {"type", "inlines"}, "props": {
        "type": "1.2", "inlines": "1.2", "horizontalAlignment": "1.2", **_ELEMENT}},
    "TextRun": {"since": "1.2", "required": {"type", "text"}, "props": {
        "type": "1.2", "text": "1.2", "color": "1.2", "fontType": "1.2", "highlight": "1.2",
        "isSubtle": "1.2", "italic": "1.2", "selectAction": "1.2", "size": "1.2",
        "strikethrough": "1.2", "underline": "1.3", "weight": "1.2"}},
    "Container": {"since": "1.0", "required": {"type", "items"}, "props": {
        "type": "1.0", "items": "1.0", "style": "1.0", "bleed": "1.2", "minHeight": "1.2",
        "rtl": "1.5", "selectAction": "1.1", "verticalContentAlignment": "1.1",
        "backgroundImage": "1.2", **_ELEMENT}},
    "Input.Text": {"since": "1.0", "required": {"type", "id"}, "props": {
        "type": "1.0", "isMultiline": "1.0", "maxLength": "1.0", "placeholder": "1.0",
        "style": "1.0", "inlineAction": "1.2", "regex": "1.3", "value": "1.0",
        "label": "1.3", "isRequired": "1.3", "errorMessage": "1.3", **_ELEMENT}},
    "TextBlock": {"since": "1.0", "required": {"type", "text"}, "props": {
        "type": "1.0", "text": "1.0", "color": "1.0", "fontType": "1.2",
        "horizontalAlignment": "1.0", "isSubtle": "1.0", "maxLines": "1.0", "size": "1.0",
        "weight": "1.0", "wrap": "1.0", "style": "1.5", **_ELEMENT}},
    "Image": {"since": "1.0", "required": {"type", "url"}, "props": {
        "type": "1.0", "url": "1.0", "altText": "1.0", "backgroundColor": "1.1",
        "height": "1.1", "horizontalAlignment": "1.0", "selectAction": "1.1", "size": "1.0",
        "style": "1.0", "width": "1.1", **_ELEMENT}},
    "ActionSet": {"since": "1.2", "required": {"type", "actions"}, "props": {
        "type": "1.2", "actions": "1.2", **_ELEMENT}},
    "Action.OpenUrl": {"since": "1.0", "required": {"type", "url"}, "props": {
        "type": "1.0", "url": "1.0", "title": "1.0", "iconUrl": "1.1", "id": "1.0",
        "style": "1.2", "tooltip": "1.5", "isEnabled": "1.5", "mode": "1.5"}},
    "Action.Submit": {"since": "1.0", "required": {"type"}, "props": {
        "type": "1.0", "title": "1.0", "data": "1.0", "associatedInputs": "1.3",
        "iconUrl": "1.1", "id": "1.0", "style": "1.2", "fallback": "1.2", "tooltip": "1.5",
        "isEnabled": "1.5", "mode": "1.5", "requires": "1.2"}},
}
_ENUMS = {
    ("Image", "size"): {"auto", "stretch", "small", "medium", "large"},
    ("Container", "style"): {"default", "emphasis", "good", "attention", "warning", "accent"},
    ("TextRun", "weight"): {"default", "lighter", "bolder"},
    ("Action.Submit", "style"): {"default", "positive", "destructive"},
}


def _v(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def validate_card(card: dict[str, Any]) -> None:
    assert card["type"] == "AdaptiveCard"
    assert card.get("$schema", convert.CARD_SCHEMA) == convert.CARD_SCHEMA
    target = _v(card["version"])

    def check(obj: dict[str, Any], path: str) -> None:
        kind = obj.get("type")
        assert kind in _SCHEMA, f"{path}: unknown type {kind!r}"
        spec = _SCHEMA[kind]
        assert _v(spec["since"]) <= target, f"{path}: {kind} needs {spec['since']}"
        missing = spec["required"] - set(obj)
        assert not missing, f"{path}: {kind} lacks {missing}"
        for prop, value in obj.items():
            assert prop in spec["props"], f"{path}: {kind} has no property {prop!r}"
            assert _v(spec["props"][prop]) <= target, f"{path}.{prop} needs a newer version"
            enum = _ENUMS.get((kind, prop))
            if enum is not None:
                assert str(value).lower() in enum, f"{path}.{prop}={value!r}"
            if prop == "spacing":
                assert str(value).lower() in _SPACING
            if prop in ("maxLength",):
                assert isinstance(value, int) and value > 0
            if prop in ("isMultiline", "italic", "isRequired"):
                assert isinstance(value, bool)
            if prop in ("text", "title", "label", "id", "fallbackText"):
                assert isinstance(value, str)
        for key in ("body", "items", "inlines", "actions"):
            for i, child in enumerate(obj.get(key) or []):
                assert isinstance(child, dict), f"{path}.{key}[{i}]"
                check(child, f"{path}.{key}[{i}]")
        if isinstance(obj.get("selectAction"), dict):
            assert obj["selectAction"]["type"] == "Action.OpenUrl", f"{path}.selectAction"
            check(obj["selectAction"], f"{path}.selectAction")
        if kind == "Action.Submit":
            assert isinstance(obj.get("data", {}), dict)

    check(card, "card")
    assert len(json.dumps(card).encode()) < 28_000  # Teams' message size limit
    for action_set in (i for i in card["body"] if i["type"] == "ActionSet"):
        assert len(action_set["actions"]) <= 6  # Teams host config maxActions
    for box in (i for i in card["body"] if i["type"].startswith("Input.")):
        assert box.get("label"), "an input without a label is unnamed for a screen reader"
    for image in (i for i in card["body"] if i["type"] == "Image"):
        assert image.get("altText"), "an image without alt text says nothing to a screen reader"


def assert_rows_fit(card: dict[str, Any]) -> None:
    """Every row of buttons fits a phone's card (estimated as Teams draws them), unless it is a
    single button."""
    for action_set in (i for i in card["body"] if i["type"] == "ActionSet"):
        titles = [a["title"] for a in action_set["actions"]]
        width = sum(layout.label_width(t) for t in titles) + layout.BUTTON_GAP * (len(titles) - 1)
        assert len(titles) == 1 or width <= layout.ROW_WIDTH, titles


def test_question_with_rating_buttons_and_navigation() -> None:
    msg = Message(
        "Question 5 of 8\n*I have enough time for training.*\n\n1 = not at all, 5 = fully",
        tuple(Button(str(v), "answer", f"training-time={v}") for v in range(1, 6))
        + (Button("Skip", "nav", "skip"), Button("Back", "nav", "back"),
           Button("Stop for now", "nav", "stop", "danger")),
        key="pulse:lt:5",
    )
    card = convert.render_card(msg)
    validate_card(card)
    actions = convert.card_actions(card)
    assert [a["title"] for a in actions] == ["1", "2", "3", "4", "5", "Skip", "Back",
                                             "Stop for now"]
    assert actions[0]["data"] == {"a": "answer", "v": "training-time=1", "k": "pulse:lt:5"}
    assert actions[-1]["style"] == "destructive"
    bold = card["body"][1]["inlines"][0]
    assert bold == {"type": "TextRun", "text": "I have enough time for training.",
                    "weight": "Bolder"}
    assert card["body"][2]["spacing"] == "Medium"  # the blank line
    assert card["fallbackText"].startswith("Question 5 of 8\nI have enough")


def test_open_question_has_a_text_box_and_a_send_action() -> None:
    msg = Message("Question 1 of 8\nWhat works well?", (Button("Skip", "nav", "skip"),),
                  TextInput("pulse.text", "answer", "Your answer", 4000), key="pulse:lt:1")
    for lang, send in (("en", "Send"), ("es", "Enviar")):
        card = convert.render_card(msg, lang)
        validate_card(card)
        box = next(i for i in card["body"] if i["type"] == "Input.Text")
        assert box == {"type": "Input.Text", "id": "answer", "label": "Your answer",
                       "isMultiline": True, "maxLength": 4000}
        first = convert.card_actions(card)[0]
        assert first["title"] == send and first["data"] == {"f": "pulse.text", "k": "pulse:lt:1"}


def test_quotes_are_plain_text_runs_never_markdown() -> None:
    quote = "**bold** [click](https://evil.example) <at>x</at> *not bold*"
    card = convert.render_card(Message("Themes for *listening-tour*", quotes=(quote,)))
    validate_card(card)
    quoted = card["body"][1]
    assert quoted["type"] == "Container"
    runs = quoted["items"][0]["inlines"]
    assert runs == [{"type": "TextRun", "text": quote, "italic": True}]
    assert '"TextBlock"' not in json.dumps(card)  # TextBlock would interpret markdown


def test_answered_card_has_no_actions_left() -> None:
    card = convert.render_card(Message("Question 1 of 8: answered", replaces="pulse:lt:1"))
    validate_card(card)
    assert convert.card_actions(card) == []


def test_many_choices_are_split_into_rows_teams_can_show() -> None:
    msg = Message("Pick one", tuple(Button(f"Choice {i}", "answer", f"q={i}") for i in range(9)))
    card = convert.render_card(msg)
    validate_card(card)
    assert len(convert.card_actions(card)) == 9


def _rows(card: dict[str, Any]) -> list[list[str]]:
    return [[a["title"] for a in i["actions"]] for i in card["body"] if i["type"] == "ActionSet"]


# Buttons Outward sends, as captured from the real flows in Teams (the listening tour's last
# question, a learning nudge, a check-in, an invitation), in Spanish: Teams draws each button on
# one line and cut these to "Ca… Co… S…" on a 360 px phone when five shared a row.
_CHOICE_ES = ("Capacitación y aprendizaje", "Contratación y ascensos", "Servicios al público",
              "Políticas y procedimientos", "Cultura laboral")
_NAV_ES = ("Omitir", "Atrás", "Parar por ahora")


def test_a_spanish_choice_list_fits_a_phone_and_keeps_apart_from_navigation() -> None:
    msg = Message("*Pregunta 8 de 8*\n¿En qué debería trabajar primero el comité?",
                  tuple(Button(c, "answer", f"first-priority={i}")
                        for i, c in enumerate(_CHOICE_ES))
                  + tuple(Button(n, "nav", n) for n in _NAV_ES), key="pulse:lt:8")
    card = convert.render_card(msg, "es")
    validate_card(card)
    rows = _rows(card)
    assert [t for row in rows for t in row] == [*_CHOICE_ES, *_NAV_ES]  # order kept
    assert rows[-1] == list(_NAV_ES)  # navigation on its own row, not among the answers
    assert all(set(row) <= set(_CHOICE_ES) for row in rows[:-1])
    assert all(len(row) == 1 for row in rows[:-1])  # each choice has its row: none is cut
    assert_rows_fit(card)


def test_a_rating_scale_stays_on_one_row_above_its_navigation() -> None:
    msg = Message("Question 5 of 8", tuple(Button(str(v), "answer", f"q={v}") for v in range(1, 6))
                  + (Button("Skip", "nav", "skip"), Button("Back", "nav", "back"),
                     Button("Stop for now", "nav", "stop")))
    assert _rows(convert.render_card(msg)) == [["1", "2", "3", "4", "5"],
                                                ["Skip", "Back", "Stop for now"]]
    four = Message("Question 1", tuple(Button(str(v), "answer", f"q={v}") for v in range(1, 5))
                   + (Button("Skip", "nav", "skip"),))
    assert _rows(convert.render_card(four)) == [["1", "2", "3", "4"], ["Skip"]]


def test_a_spanish_nudge_and_an_invitation_show_every_label_whole() -> None:
    nudge = Message("Notar el sesgo implícito · paso 1 de 7", (
        Button("Hecho", "learn.done", "1", "primary"),
        Button("Posponer hasta mañana", "learn.snooze", "1|1"),
        Button("Posponer una semana", "learn.snooze", "1|7"),
        Button("Omitir", "learn.skip", "1"), Button("Dejar esta ruta", "learn.stop", "1", "danger"),
        Button("Reflexionar", "learn.reflect", "1")))
    invite = Message("Hola, Luis.", (Button("Empezar", "start", "lt|1", "primary"),
                                     Button("Ahora no", "later", "lt|1"),
                                     Button("¿Qué pasa con mis respuestas?", "privacy", "")))
    for msg in (nudge, invite):
        card = convert.render_card(msg, "es")
        validate_card(card)
        assert [a["title"] for a in convert.card_actions(card)] == [b.label for b in msg.buttons]
        assert len(_rows(card)) > 1
        assert_rows_fit(card)
    assert _rows(convert.render_card(invite, "es")) == [
        ["Empezar", "Ahora no"], ["¿Qué pasa con mis respuestas?"]]


def test_every_button_label_outward_ships_fits_a_phone_row_on_its_own() -> None:
    """A label wider than a phone's card is cut whatever the rows: the catalog's button texts,
    every bundled question's choices and the mentorship topics, in every language."""
    import yaml

    from prompts.catalog import load_catalog
    from prompts.loader import builtin_round_templates

    labels = [text for texts in load_catalog().texts.values()
              for key, text in texts.items() if ".button." in key]
    labels += [label for template in builtin_round_templates().values()
               for q in template.questions for c in q.choices for label in c.label.values()]
    root = Path(__file__).resolve().parent.parent / "prompts" / "mentorship"
    for path in root.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text("utf-8"))
        labels += [label for t in spec.get("topics") or [] for label in t["label"].values()]
    assert len(labels) > 50
    too_wide = [label for label in labels if layout.label_width(label) > layout.ROW_WIDTH]
    assert not too_wide
    assert layout.label_width("x" * 60) > layout.ROW_WIDTH  # the check can fail


def test_label_widths_follow_the_font_not_the_character_count() -> None:
    assert layout.label_width("iiii") < layout.label_width("mmmm")
    assert layout.label_width("Skip") < layout.label_width("Stop for now")
    assert layout.label_width("") == layout.BUTTON_CHROME


def test_validator_rejects_what_teams_would_not_render() -> None:
    good = convert.render_card(Message("x", (Button("A", "a", "1", "primary"),)))
    validate_card(good)
    for breaker in (
        lambda c: c["body"][-1]["actions"][0].update(style="primary"),  # not a schema style
        lambda c: c["body"][0].update(type="Markdown"),
        lambda c: c.update(version="1.1"),  # RichTextBlock needs 1.2
        lambda c: c["body"][0]["inlines"][0].update(bold=True),
    ):
        bad = json.loads(json.dumps(good))
        breaker(bad)
        with pytest.raises(AssertionError):
            validate_card(bad)


@needs_fixtures
def test_validator_accepts_microsofts_own_teams_card() -> None:
    # The outbound card from Microsoft's Teams SDK tests (schema 1.5, as we target) passes the
    # same checks, so the validator is not merely shaped around our own output.
    act = fixture("teams_net_testdata", "AdaptiveCardActivity.json")
    card = act["attachments"][0]["content"]
    assert card["version"] == convert.CARD_VERSION
    validate_card(card)


def test_summary_and_plain_text() -> None:
    msg = Message("*Question 1 of 8*\nWhat works well?")
    assert convert.summary(msg) == "Question 1 of 8"
    assert convert.plain("a *b* c") == "a b c"



def test_a_chart_becomes_an_inline_png_image() -> None:
    msg = Message("Themes", chart=(("Workload", 0.5), ("Training", 0.25)))
    card = convert.render_card(msg)
    validate_card(card)
    images = [b for b in card["body"] if b["type"] == "Image"]
    assert len(images) == 1
    assert images[0]["url"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert images[0]["altText"] == "Theme shares: Workload 50%, Training 25%"


def test_a_report_link_is_a_short_link_that_opens_the_whole_address() -> None:
    """A chair's report address (a 150-character signed URL, one unbreakable word) ran off the
    card's edge and could not be clicked: it is now a link showing its host and path."""
    url = ("https://outward.example.org/report/listening-tour?chair=2&expires=1795543200"
           "&sig=b8df39f05ceaa9a4c9be07ae38e5089140c9eb3785fb9e8308f18a1d1e36f0cb")
    card = convert.render_card(Message(f"*Full report:* {url}.\nThis link is personal."))
    validate_card(card)
    runs = card["body"][0]["inlines"]
    assert runs[0] == {"type": "TextRun", "text": "Full report:", "weight": "Bolder"}
    link = runs[2]
    assert link["text"] == "outward.example.org/report/listening-tour"
    assert link["selectAction"] == {"type": "Action.OpenUrl", "url": url}
    assert runs[3]["text"] == "."  # the sentence's full stop is not part of the address
    assert max(len(r["text"]) for r in runs) <= convert.LINK_TEXT
    assert url in card["fallbackText"]
    long_path = convert.render_card(Message("https://x.example/" + "a" * 90))
    assert long_path["body"][0]["inlines"][0]["text"].endswith("…")
    # what a person wrote (quotes) never becomes a link
    quoted = convert.render_card(Message("Quote", quotes=(url,)))
    assert "selectAction" not in json.dumps(quoted)


def test_the_chart_is_drawn_narrow_enough_to_read_on_a_phone() -> None:
    import base64
    import io

    from PIL import Image

    from adapters.chart import SCALE

    card = convert.render_card(Message("Themes", chart=(("Workload", 0.5), ("Training", 0.25))))
    [image] = [b for b in card["body"] if b["type"] == "Image"]
    png = base64.b64decode(image["url"].split(",", 1)[1])
    assert Image.open(io.BytesIO(png)).width == convert.CHART_WIDTH * SCALE
    assert convert.CHART_WIDTH <= 400 and image["size"] == "Stretch"
