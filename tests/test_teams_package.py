"""`python -m bot teams-package`: the Teams app zip an admin uploads."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from adapters.teams import PackageError
from adapters.teams.package import COMMANDS
from bot.settings import Settings
from bot.teams_wiring import write_package

APP_ID = "2b6e6bd4-6a1f-4a5a-9d8e-1c1b8a3a0f11"
ENV = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret",
       "OUTWARD_ORGANISATION": "Riverside County Library"}
PKG_ENV = {"OUTWARD_PUBLIC_URL": "https://outward.example.org"}


def _png_size(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert zlib.crc32(data[12:16 + length]) == struct.unpack(">I", data[16 + length:20 + length])[0]
    return width, height, color


def test_package_has_manifest_and_both_icons(tmp_path: Path) -> None:
    path = write_package(Settings.from_env(ENV), tmp_path / "out" / "outward.zip", env=PKG_ENV)
    assert path.exists()
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        assert _png_size(z.read("color.png")) == (192, 192, 6)
        assert _png_size(z.read("outline.png")) == (32, 32, 6)
        outline = z.read("outline.png")
    assert manifest["manifestVersion"] == "1.17"
    assert manifest["$schema"].endswith("/v1.17/MicrosoftTeams.schema.json")
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team"}
    lists = {tuple(c["scopes"]): [x["title"] for x in c["commands"]] for c in bot["commandLists"]}
    for word in ("help", "privacy", "pulse", "themes"):
        assert word in lists[("personal",)]
    # a team's channels are offered only what may be answered there (surveys and results live
    # only in the 1:1 chat)
    assert lists[("team",)] == ["help", "privacy"]
    for c in bot["commandLists"]:
        assert len(c["commands"]) <= 10
        for cmd in c["commands"]:
            assert len(cmd["title"]) <= 32 and len(cmd["description"]) <= 128
    assert manifest["validDomains"] == ["outward.example.org"]
    assert manifest["developer"]["name"] == "Riverside County Library"
    for url in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][url].startswith("https://")
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert manifest["id"] != APP_ID and len(manifest["id"]) == 36  # stable, derived
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    # outline: only white or fully transparent pixels
    raw = zlib.decompress(_idat(outline))
    rows = [raw[i * 129 + 1:(i + 1) * 129] for i in range(32)]
    pixels = {bytes(r[j:j + 4]) for r in rows for j in range(0, 128, 4)}
    assert pixels <= {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"} and len(pixels) == 2


def _idat(png: bytes) -> bytes:
    pos, out = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            out += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return out


def test_package_is_reproducible_and_settings_driven(tmp_path: Path) -> None:
    env = {**PKG_ENV, "OUTWARD_TEAMS_APP_NAME": "Listening Tour",
           "OUTWARD_TEAMS_APP_VERSION": "1.2.3", "OUTWARD_TEAMS_PRIVACY_URL":
           "https://county.example.gov/privacy"}
    a = write_package(Settings.from_env(ENV), tmp_path / "a.zip", env=env)
    b = write_package(Settings.from_env(ENV), tmp_path / "b.zip", env=env)
    ma = json.loads(zipfile.ZipFile(a).read("manifest.json"))
    mb = json.loads(zipfile.ZipFile(b).read("manifest.json"))
    assert ma == mb
    assert ma["name"]["short"] == "Listening Tour" and ma["version"] == "1.2.3"
    assert ma["developer"]["privacyUrl"] == "https://county.example.gov/privacy"


@pytest.mark.parametrize(("env", "settings_env", "needle"), [
    ({}, ENV, "OUTWARD_PUBLIC_URL"),
    ({"OUTWARD_PUBLIC_URL": "http://insecure.example"}, ENV, "https"),
    (PKG_ENV, {"OUTWARD_TEAMS_DEV_NO_AUTH": "1"}, "MicrosoftAppId"),
    ({**PKG_ENV, "OUTWARD_TEAMS_APP_VERSION": "one"}, ENV, "OUTWARD_TEAMS_APP_VERSION"),
    ({**PKG_ENV, "OUTWARD_TEAMS_ACCENT_COLOR": "green"}, ENV, "OUTWARD_TEAMS_ACCENT_COLOR"),
])
def test_missing_or_wrong_settings_name_the_variable(
    tmp_path: Path, env: dict[str, str], settings_env: dict[str, str], needle: str
) -> None:
    with pytest.raises(PackageError, match=needle):
        write_package(Settings.from_env(settings_env), tmp_path / "x.zip", env=env)
    assert not (tmp_path / "x.zip").exists()


def test_commands_cover_the_slack_command_set() -> None:
    words = {title.split()[0] for title, _, _ in COMMANDS}
    assert words == {"help", "privacy", "pulse", "themes", "learn", "mentor", "results"}
