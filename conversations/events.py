"""Neutral inbound events. Adapters build these from platform payloads; nothing platform-shaped
crosses into the core except the opaque `Address.reference` an adapter may need later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    """Who and where: platform, workspace/tenant, user and conversation (a DM, a channel).

    `reference` is adapter-owned opaque text (e.g. a Teams conversation reference as JSON) kept
    so the adapter can reach the person proactively later; the core only stores it.
    `direct` is True only for a one-to-one conversation with the bot: only those are kept as
    the person's route, so a survey is never sent into a channel, and an event from anywhere
    else gets only help and privacy there (conversations.router, Message.direct)."""

    platform: str
    workspace: str
    user: str
    conversation: str = ""
    reference: str = ""
    direct: bool = False


@dataclass(frozen=True)
class TextReceived:
    address: Address
    text: str


@dataclass(frozen=True)
class ButtonPressed:
    """A button (or card action) pressed. `action` and `value` are what the core put on it;
    `message_key` is the key of the message that carried it."""

    address: Address
    action: str
    value: str
    message_key: str = ""


@dataclass(frozen=True)
class FormSubmitted:
    """A form (Slack modal, Teams card input) submitted with its field values."""

    address: Address
    form: str
    values: Mapping[str, str] = field(default_factory=dict)
    message_key: str = ""


@dataclass(frozen=True)
class CommandInvoked:
    """A command such as `/pulse start listening-tour`: command='pulse', args='start ...'."""

    address: Address
    command: str
    args: str = ""


@dataclass(frozen=True)
class MemberJoined:
    """A platform account appeared (joined the workspace, installed the app, first contact)."""

    address: Address
    display_name: str = ""
    email: str = ""
    timezone: str = ""
    locale: str = ""


@dataclass(frozen=True)
class MemberLeft:
    """A platform account left or was deactivated (the core stops reaching it there)."""

    address: Address


@dataclass(frozen=True)
class DirectoryPage:
    """A page of a platform's directory (Slack users.list, a Teams team roster): the accounts
    there and those that have left, handled in one transaction with one look-up for all their
    emails. `address` names the platform and workspace (no user)."""

    address: Address
    joined: tuple[MemberJoined, ...] = ()
    left: tuple[MemberLeft, ...] = ()


@dataclass(frozen=True)
class HomeOpened:
    """The person opened the app's home (Slack App Home, Teams personal tab/first run)."""

    address: Address


Event = (
    TextReceived
    | ButtonPressed
    | FormSubmitted
    | CommandInvoked
    | MemberJoined
    | MemberLeft
    | DirectoryPage
    | HomeOpened
)
