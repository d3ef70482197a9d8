"""The Teams app package: manifest.json plus the two icons, zipped for an admin to upload.

Manifest reference (schema v1.17):
https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema
Icons: a 192x192 full-colour icon and a 32x32 white-on-transparent outline icon:
https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons
The icons are drawn here (PNG written with zlib/struct), so the repository holds no binaries.
"""

from __future__ import annotations

import io
import json
import re
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

MANIFEST_VERSION = "1.17"
MANIFEST_SCHEMA = (
    "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
)

# The same command set as Slack; Teams inserts the title into the compose box, so a title is what
# the person would type. Titles are at most 32 characters, descriptions 128. In a team only help
# and privacy are offered: surveys and results live only in the person's 1:1 chat with the bot
# (anything else typed in a channel is answered there, see conversations.router).
COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("help", "What I can do for you", ("personal", "team")),
    ("privacy", "What happens to your answers", ("personal", "team")),
    ("pulse", "Answer the open survey; chairs and admins: pulse status", ("personal",)),
    ("pulse status", "Chairs and admins: how the open rounds are going", ("personal",)),
    ("pulse start", "Admins: open a round, e.g. pulse start listening-tour", ("personal",)),
    ("pulse close", "Admins: close a round", ("personal",)),
    ("learn", "Short self-paced equity learning tracks", ("personal",)),
    ("mentor history", "Mentorship: your pair's check-ins", ("personal",)),
    ("themes", "Chairs: theme summary of a round", ("personal",)),
    ("results", "What the committee heard and committed to do", ("personal",)),
)


class PackageError(ValueError):
    """A setting the package needs is missing or wrong; the message names it."""


@dataclass(frozen=True)
class PackageInfo:
    """What the manifest says about the app."""

    bot_id: str
    public_url: str
    name: str = "Outward"
    full_name: str = "Outward: listening-tour pulse surveys"
    developer: str = "Outward"
    website_url: str = ""
    privacy_url: str = ""
    terms_url: str = ""
    version: str = "1.0.0"
    app_id: str = ""
    accent_color: str = "#2E5E4E"


def validate(info: PackageInfo) -> None:
    if not re.fullmatch(r"[0-9a-fA-F-]{36}", info.bot_id or ""):
        raise PackageError("MicrosoftAppId must be the bot's Microsoft App ID (a GUID) to build "
                           "the Teams app package")
    for label, url in (("OUTWARD_PUBLIC_URL", info.public_url),
                       ("OUTWARD_TEAMS_WEBSITE_URL", info.website_url),
                       ("OUTWARD_TEAMS_PRIVACY_URL", info.privacy_url),
                       ("OUTWARD_TEAMS_TERMS_URL", info.terms_url)):
        if url and (urlparse(url).scheme != "https" or not urlparse(url).hostname):
            raise PackageError(f"{label} must be an https:// URL, got {url!r}")
    if not info.public_url:
        raise PackageError("OUTWARD_PUBLIC_URL (the https address Teams reaches the bot at, e.g. "
                           "https://outward.example.org) is required to build the package")
    if not re.fullmatch(r"\d+\.\d+\.\d+", info.version):
        raise PackageError(f"OUTWARD_TEAMS_APP_VERSION must look like 1.0.0, got {info.version!r}")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", info.accent_color):
        raise PackageError(f"OUTWARD_TEAMS_ACCENT_COLOR must look like #2E5E4E, got "
                           f"{info.accent_color!r}")
    if not info.name or len(info.name) > 30:
        raise PackageError("OUTWARD_TEAMS_APP_NAME must be 1 to 30 characters")


def manifest(info: PackageInfo) -> dict[str, Any]:
    """manifest.json for the app (bot in personal and team scope, command menus)."""
    validate(info)
    base = info.public_url.rstrip("/")
    website = info.website_url or base
    app_id = info.app_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"outward-teams:{info.bot_id}"))

    def commands(scope: str) -> list[dict[str, str]]:
        return [{"title": t, "description": d} for t, d, scopes in COMMANDS if scope in scopes]

    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": info.version,
        "id": app_id,
        "developer": {
            "name": info.developer[:32],
            "websiteUrl": website,
            "privacyUrl": info.privacy_url or website,
            "termsOfUseUrl": info.terms_url or website,
        },
        "name": {"short": info.name, "full": info.full_name[:100]},
        "description": {
            "short": "Private pulse surveys for equity listening tours."[:80],
            "full": (
                "Outward sends short pulse surveys in a 1:1 chat for an organisation's equity "
                "listening tour. Answers are stored without names, platform ids or exact times; "
                "summaries are shown only for groups large enough to stay anonymous. Type help "
                "to the bot, or privacy to read exactly what happens to your answers."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": info.accent_color.upper(),
        "bots": [
            {
                "botId": info.bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": commands("personal")},
                    {"scopes": ["team"], "commands": commands("team")},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [urlparse(base).hostname],
    }


def _png(width: int, height: int, pixel: Any) -> bytes:
    """An RGBA PNG; `pixel(x, y)` returns (r, g, b, a)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(bytes(pixel(x, y)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def _ring(size: int, x: int, y: int) -> bool:
    """A ring (the 'O' of Outward) centred in a size x size square."""
    c = (size - 1) / 2
    r2 = (x - c) ** 2 + (y - c) ** 2
    outer, inner = size * 0.36, size * 0.22
    return inner * inner <= r2 <= outer * outer


def color_icon(accent: str) -> bytes:
    """192x192: the accent colour with a white ring."""
    r, g, b = (int(accent[i:i + 2], 16) for i in (1, 3, 5))
    return _png(192, 192, lambda x, y: (255, 255, 255, 255) if _ring(192, x, y)
                else (r, g, b, 255))


def outline_icon() -> bytes:
    """32x32: a white ring on transparent, as Teams requires for outline icons."""
    return _png(32, 32, lambda x, y: (255, 255, 255, 255) if _ring(32, x, y)
                else (0, 0, 0, 0))


def build_zip(info: PackageInfo) -> bytes:
    """The app package as bytes (manifest.json, color.png, outline.png at the zip's root)."""
    data = manifest(info)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        z.writestr("color.png", color_icon(info.accent_color))
        z.writestr("outline.png", outline_icon())
    return buf.getvalue()


def write_zip(info: PackageInfo, path: Path) -> Path:
    path = Path(path)
    payload = build_zip(info)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path
