"""Who is acting, and the one check every write path makes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["viewer", "editor"]
ROLES = ("viewer", "editor")


class PermissionDenied(Exception):
    """Raised when a viewer (or nobody) attempts a write."""


@dataclass(frozen=True)
class Actor:
    """The person behind a call: an email (or a local name) and a role ('viewer' or 'editor', nothing else).

    A plain frozen dataclass, not a pydantic model: every CLI command builds one, and importing
    pydantic cost 90 ms of each command's start (bench/bench_cli.py).
    """

    email: str
    role: Role

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {self.role!r}")
        if not isinstance(self.email, str):
            raise ValueError("email must be text")

    @property
    def can_edit(self) -> bool:
        """Return True for editors only."""
        return self.role == "editor"


def require_editor(actor: Actor | None) -> Actor:
    """Return the actor if it may write; raise PermissionDenied for a viewer or a missing actor."""
    if actor is None or not isinstance(actor, Actor) or actor.role != "editor":
        who = getattr(actor, "email", None) or "anonymous"
        raise PermissionDenied(f"{who} is a viewer in this workspace and cannot change anything. Ask an editor.")
    return actor


def resolve_role(email: str | None, mode: str, editors: list[str] | tuple[str, ...]) -> Actor:
    """Return the Actor for an identity: local mode makes everyone an editor; intranet mode only listed emails.

    In intranet mode an unknown or missing identity is a viewer (never an editor by default).
    """
    if mode == "local":
        return Actor(email=email or "local user", role="editor")
    normalised = {e.strip().lower() for e in editors if e and e.strip()}
    if email and email.strip().lower() in normalised:
        return Actor(email=email.strip(), role="editor")
    return Actor(email=email or "anonymous", role="viewer")


CLI_ACTOR = Actor(email="cli", role="editor")
