"""The router: commands by name and alias, the `/outward` umbrella, what typed words run, and
handlers looked up by id or prefix (the real core on the in-memory storage)."""

from __future__ import annotations

from adapters.console.adapter import address_for
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    FormSubmitted,
    HomeOpened,
    TextReceived,
)
from conversations.registry import Command, Registry
from tests.support import Console, FakeOutward

HELP = "What I can do"
PRIVACY = "What happens to your answers"


async def test_spanish_command_names_run_the_english_commands(app: FakeOutward) -> None:
    luis = address_for("luis")
    for alias, english in (("encuesta", "pulse"), ("temas", "themes"), ("aprender", "learn"),
                           ("mentoría", "mentor"), ("ayuda", "help")):
        spanish = await app.router(CommandInvoked(luis, alias))
        assert [m.text for m in spanish] == [m.text for m in
                                             await app.router(CommandInvoked(luis, english))]
    typed = await app.router(TextReceived(luis, "encuesta"))  # a bare word, like "pulse"
    assert typed[0].text == (await app.router(TextReceived(luis, "/pulse")))[0].text
    # in a channel, an alias of a survey command continues in the 1:1 chat
    out = await app.router(TextReceived(Address("console", "local", "luis", "general"), "temas"))
    assert "su chat privado" in out[0].text and all(m.direct for m in out[1:])


async def test_the_outward_umbrella_and_unknown_commands(app: FakeOutward) -> None:
    dana = address_for("dana")
    assert HELP in (await app.router(CommandInvoked(dana, "outward")))[0].text
    assert PRIVACY in (await app.router(CommandInvoked(dana, "outward", "privacidad")))[0].text
    out = await app.router(CommandInvoked(dana, "outward", "outward pulse"))
    assert 'don\'t know the command "outward"' in out[0].text and HELP in out[1].text
    out = await app.router(TextReceived(dana, "/" + "x" * 20 + " " + "y" * 600))
    assert "too long" in out[0].text.lower()
    # "outward" alone is not a word that runs anything
    out = await app.router(TextReceived(dana, "outward"))
    assert HELP in out[0].text


async def test_handlers_are_found_by_id_then_prefix_then_fallback(app: FakeOutward,
                                                                console: Console) -> None:
    dana = address_for("dana")
    out = await app.router(ButtonPressed(dana, "privacy", ""))
    assert PRIVACY in out[0].text
    out = await app.router(ButtonPressed(dana, "learn:done", "nope|one"))
    assert "no longer in use" in out[0].text  # the learning handler, for an unknown track
    out = await app.router(ButtonPressed(dana, "something-old", "", "k1"))
    assert "isn't in progress" in out[0].text and out[0].replaces == "k1"  # an old survey's
    out = await app.router(FormSubmitted(dana, "unknown-form", {"answer": "x"}))
    assert "isn't in progress" in out[0].text
    out = await app.router(HomeOpened(dana))
    assert "Nothing is waiting for you" in out[0].text and PRIVACY in out[-1].text

    table = Registry(buttons={"a:": console_handler("prefix"), "a:b": console_handler("exact"),
                              "": console_handler("fallback")},
                     commands={"x": Command(console_handler("x")), "y": Command(
                         console_handler("y"), bare=False)}, aliases={"equis": "x"})
    assert table.button("a:b") is table.buttons["a:b"]
    assert table.button("a:c") is table.buttons["a:"]
    assert table.button("b") is table.buttons[""]
    assert table.command("equis") is table.commands["x"]
    assert table.bare_words() == {"x", "equis"}


def console_handler(name: str):  # type: ignore[no-untyped-def]
    async def handler(*args: object) -> list[object]:
        return [name]

    return handler
