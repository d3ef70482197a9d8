"""Console adapter: reads chat lines, prints messages.

- `:as HANDLE` acts as that roster person; `:clock +2d` / `:clock 2026-12-01T10:00` moves the
  clock and delivers what is due; `:quit` ends; `:help` lists these.
- Any other line is chat from the current person; a line starting with `/` is a command.
- Buttons print as numbered options; typing the number or the label presses it (rating
  buttons are labelled 1-5, so there only the label counts).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from conversations.events import Address, ButtonPressed, Event, TextReceived
from conversations.messages import Button, Message

OnEvent = Callable[[Event], Awaitable[list[Message]]]
_BOLD = re.compile(r"\*([^*\n]+)\*")
BAR = 20  # characters of a share bar


def bar(share: float, width: int = BAR) -> str:
    """A share (0..1) as a text bar, "████████░░░░░░░░░░░░"; any share above 0 shows a block.
    Only the console draws these: on Slack and Teams a screen reader would read each block
    character aloud, so there the line's percent stands alone."""
    filled = max(1, min(width, round(width * share))) if share > 0 else 0
    return "█" * filled + "░" * (width - filled)


def with_bars(text: str, bars: Sequence[tuple[int, float]]) -> str:
    """The text with each of `Message.bars` drawn on its own line under the line it belongs to
    (a line index past the end draws at the end)."""
    if not bars:
        return text
    lines = text.split("\n")
    under: dict[int, list[str]] = {}
    for index, share in bars:
        under.setdefault(min(max(index, 0), len(lines) - 1), []).append(bar(share))
    return "\n".join(part for i, line in enumerate(lines) for part in (line, *under.get(i, ())))


class ConsoleHooks(Protocol):
    """What the console needs from the composition root (no storage or SDK access here)."""

    async def describe(self, handle: str) -> str | None:
        """A one-line description of a roster person, or None if not on the roster."""
        ...

    async def move_clock(self, spec: str, handle: str) -> str:
        """Move the clock (`+2d`, `+3h`, `+30m` or an ISO time in the person's zone)."""
        ...

    async def tick(self) -> None:
        """Plan and deliver whatever is due now."""
        ...


@dataclass
class _Pending:
    buttons: tuple[Button, ...]
    key: str
    free_text: bool


def _numeric(buttons: Sequence[Button]) -> bool:
    """Buttons labelled with numbers (a 1-5 rating) are pressed by label, never by position."""
    return any(b.label.strip().isdigit() for b in buttons)


def address_for(handle: str) -> Address:
    return Address("console", "local", handle, f"dm-{handle}", direct=True)


class ConsoleAdapter:
    """Implements Sender for platform 'console' and runs the input loop."""

    platform = "console"

    def __init__(
        self,
        on_event: OnEvent,
        hooks: ConsoleHooks,
        out: TextIO,
        handle: str = "",
        color: bool = False,
    ) -> None:
        self.on_event = on_event
        self.hooks = hooks
        self.out = out
        self.handle = handle
        self.color = color
        self.pending: dict[str, _Pending] = {}
        self.last: dict[str, list[str]] = {}

    # ---- outbound ---------------------------------------------------------------------------

    async def send(self, address: Address, messages: Sequence[Message]) -> None:
        self.render(address.user, messages)

    def _fmt(self, text: str) -> str:
        return _BOLD.sub((lambda m: f"\033[1m{m.group(1)}\033[0m") if self.color else r"\1", text)

    def _block(self, msg: Message) -> str:
        prefix = "  ↳ " if msg.replaces else "outward> "
        text = self._fmt(with_bars(msg.text, msg.bars))
        lines = [prefix + text.replace("\n", "\n    ")]
        lines += [f"    > {quote}" for quote in msg.quotes]
        if msg.buttons and _numeric(msg.buttons):
            lines.append("    " + "  ".join(f"[{b.label}]" for b in msg.buttons))
        elif msg.buttons:
            lines.append(
                "    " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(msg.buttons, start=1))
            )
        if msg.text_input is not None:  # its label is in the reader's language
            lines.append(f"    ✎ {msg.text_input.label}")
        return "\n".join(lines)

    def render(self, handle: str, messages: Sequence[Message]) -> None:
        for msg in messages:
            who = "" if handle == self.handle else f"(to {handle}) "
            if who:  # someone else's DM: one line, the rest shows after `:as HANDLE`
                first = self._fmt(msg.text).splitlines()[0] if msg.text else ""
                self.out.write(f"outward> {who}{first}  [:as {handle} to see it]\n")
                if msg.buttons or msg.text_input is not None:
                    self.pending[handle] = _Pending(
                        msg.buttons, msg.key, msg.text_input is not None
                    )
                    self.last[handle] = [self._block(msg)]
                continue
            text = self._block(msg)
            self.out.write(text + "\n")
            if msg.buttons or msg.text_input is not None:
                self.pending[handle] = _Pending(msg.buttons, msg.key, msg.text_input is not None)
                self.last[handle] = [text]
            elif handle in self.last and not msg.replaces:
                self.last.pop(handle, None)
            elif (
                msg.replaces and handle in self.pending and self.pending[handle].key == msg.replaces
            ):
                del self.pending[handle]
        self.out.flush()

    # ---- inbound ----------------------------------------------------------------------------

    def _press(self, line: str) -> ButtonPressed | None:
        pending = self.pending.get(self.handle)
        if pending is None or not pending.buttons:
            return None
        choice: Button | None = None
        text = line.strip()
        numbered = not pending.free_text and not _numeric(pending.buttons)
        number = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else 0
        if numbered and 1 <= number <= len(pending.buttons):
            choice = pending.buttons[number - 1]
        else:
            for b in pending.buttons:
                if b.label.strip().lower() == text.lower():
                    choice = b
                    break
        if choice is None:
            return None
        return ButtonPressed(address_for(self.handle), choice.action, choice.value, pending.key)

    async def handle_line(self, line: str) -> bool:
        """Process one input line; False when the console should end."""
        line = line.rstrip("\r\n")
        if not line.strip():
            return True
        if line.startswith(":"):
            return await self._control(line[1:].strip())
        if not self.handle:
            self.out.write("console> Choose who you are first: :as HANDLE\n")
            return True
        event: Event = self._press(line) or TextReceived(address_for(self.handle), line)
        self.render(self.handle, await self.on_event(event))
        await self.hooks.tick()
        return True

    async def _control(self, command: str) -> bool:
        name, _, arg = command.partition(" ")
        arg = arg.strip()
        if name in ("quit", "q", "exit"):
            return False
        if name == "as" and arg:
            handle = arg.lstrip("@").lower()
            described = await self.hooks.describe(handle)
            self.handle = handle
            if described is None:
                self.out.write(
                    f"console> {handle} is not on the roster; you are an unknown person now.\n"
                )
            else:
                self.out.write(f"console> you are now {described}\n")
                if handle in self.last:
                    self.out.write("console> waiting for you:\n")
                    self.out.write("\n".join(self.last[handle]) + "\n")
            return True
        if name == "clock" and arg:
            self.out.write(f"console> {await self.hooks.move_clock(arg, self.handle)}\n")
            await self.hooks.tick()
            return True
        self.out.write(
            "console> controls: :as HANDLE (act as someone on the roster) · :clock +2d | +3h | "
            "+30m | +1w | 09:30 (next working day) | 2026-12-01T10:00 (move time, deliver what "
            "is due) · :quit\n"
        )
        return True

    async def run(self, lines: AsyncIterator[str]) -> None:
        async for line in lines:
            if not await self.handle_line(line):
                break
