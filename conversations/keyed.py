"""Keyed hashes: how Outward remembers something about a person that nobody reading the
database may tie to them (DESIGN.md, "Anonymity model").

An HMAC-SHA256 with a secret from the environment (OUTWARD_SECRET), over a purpose and the
parts it is about. The running app can ask "is there a mark for this person?"; a database
reader without the secret cannot compute the mark of anyone, so a mark names no one."""

from __future__ import annotations

import hashlib
import hmac


class KeyedHash:
    """`keyed("done", round_id, occurrence, person_id)` -> 64 hex characters."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the keyed-hash secret must be at least 16 bytes")
        self._secret = secret

    def __call__(self, purpose: str, *parts: object) -> str:
        message = "\x1f".join([purpose, *(str(p) for p in parts)]).encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

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
