"""Keyed hashes: how Outward remembers something about a person that nobody reading the
database may tie to them (DESIGN.md, "Anonymity model").

An HMAC-SHA256 with a secret from the environment (OUTWARD_SECRET), over a purpose and the
parts it is about. The running app can ask "is there a mark for this person?"; a database
reader without the secret cannot compute the mark of anyone, so a mark names no one.

What must be kept *with* a person but read only by the running app (a survey draft: their
answers so far) is sealed: encrypted and authenticated (AES-GCM) with a key derived the same
way from the secret, the purpose and the parts, so a database reader, a backup or a deleted
row version left on disk shows nothing of it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyedHash:
    """`keyed("done", round_id, occurrence, person_id)` -> 64 hex characters."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the keyed-hash secret must be at least 16 bytes")
        self._secret = secret

    def __call__(self, purpose: str, *parts: object) -> str:
        return self.key(purpose, *parts).hex()

    def key(self, purpose: str, *parts: object) -> bytes:
        """The keyed hash as 32 raw bytes (a key for `seal`)."""
        message = "\x1f".join([purpose, *(str(p) for p in parts)]).encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def __repr__(self) -> str:  # never the secret
        return "KeyedHash(<secret>)"


def done_mark(keyed: KeyedHash, round_id: str, occurrence: str, person_id: int) -> str:
    """The mark that says this person finished this occurrence of a round (while their answers
    are held; conversations.results.release settles it when the round closes)."""
    return keyed("done", round_id, occurrence, person_id)


def author_tag(keyed: KeyedHash, round_id: str, person_id: int, step_id: str) -> str:
    """The tag a held learning reflection carries: of its author *and its step*, so one
    person's reflections carry different tags and a database reader cannot group them (how
    many reflections one author wrote would point at the few people sent that many steps).
    Only the running app can tell which tags are the same person's
    (conversations.results.release)."""
    return keyed("author", round_id, person_id, step_id)


# sealed JSON is padded with spaces to a multiple of this many bytes: a ciphertext's length
# would otherwise tell how much someone wrote, and so which released submission is theirs
SEAL_BLOCK = 4096


def seal(keyed: KeyedHash, data: Mapping[str, Any], purpose: str, *parts: object) -> str:
    """`data` (JSON) encrypted for the running app only: base64 of a fresh nonce and the
    AES-GCM ciphertext, under the key of (purpose, parts). The JSON is padded to a multiple of
    SEAL_BLOCK bytes, so sealed answers of ordinary length all have the same length."""
    nonce = os.urandom(12)
    plain = json.dumps(dict(data), sort_keys=True).encode("utf-8")
    plain += b" " * (-len(plain) % SEAL_BLOCK)  # (JSON allows trailing white space)
    body = AESGCM(keyed.key("seal", purpose, *parts)).encrypt(nonce, plain, None)
    return base64.b64encode(nonce + body).decode("ascii")


def seal_held(keyed: KeyedHash, round_id: str, answers: Sequence[Sequence[object]],
              segments: Mapping[str, str]) -> str:
    """A finished submission's answers and segments sealed while it is held (by the round
    only: whoever releases it does not know, and must not know, whose it is)."""
    return seal(keyed, {"answers": [list(a) for a in answers], "segments": dict(segments)},
                "held", round_id)


def open_held(keyed: KeyedHash, round_id: str, stored: object,
              segments: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]] | None:
    """A held submission's answers and segments: opened when sealed (None when this secret
    cannot open them), as stored when not (held before sealing began)."""
    if isinstance(stored, list):
        return stored, dict(segments)
    token = stored.get("sealed") if isinstance(stored, dict) else None
    data = unseal(keyed, token, "held", round_id) if isinstance(token, str) else None
    if data is None or not isinstance(data.get("answers"), list):
        return None
    return data["answers"], dict(data.get("segments") or {})


def unseal(keyed: KeyedHash, token: str, purpose: str, *parts: object) -> dict[str, Any] | None:
    """What `seal` sealed for the same purpose and parts; None when it cannot be opened
    (another secret, other parts, or damaged)."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
        plain = AESGCM(keyed.key("seal", purpose, *parts)).decrypt(raw[:12], raw[12:], None)
        data = json.loads(plain)
    except (InvalidTag, ValueError, binascii.Error, UnicodeError):
        return None
    return data if isinstance(data, dict) else None
