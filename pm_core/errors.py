"""The one error base for input a person can fix: `InputError(ValueError)` with per-field messages.

Every area's input errors subclass it (OkrInputError, RoadmapError, CareerError, SegmentError ...), so
the CLI maps all of them to exit 2 in one place and pages show field errors with one helper.
"""
from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """Input that cannot be used; `.errors` maps each field to a message a person can act on ('' = the whole input)."""

    def __init__(self, message: str | dict[str, str] = "", errors: dict[str, str] | None = None):
        if isinstance(message, dict):
            errors, message = dict(message), ""
        self.errors: dict[str, str] = dict(errors or {})
        text = message or "; ".join(f"{k}: {v}" if k else v for k, v in self.errors.items())
        super().__init__(text)


def from_pydantic(exc: Any, cls: type[InputError] = InputError, prefix: str = "") -> InputError:
    """Return `cls` with one message per field of a pydantic ValidationError (first message per field wins).

    Field names are the dotted location ('milestones.0.date'); pydantic's 'Value error, ' prefix is
    dropped so the message reads as the validator wrote it. `prefix` names the form ('battle card: ').
    """
    errors: dict[str, str] = {}
    for e in exc.errors():
        field = ".".join(str(p) for p in e.get("loc", ())) or "form"
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        errors.setdefault(field, msg)
    err = cls(errors) if cls is InputError else cls.__new__(cls)
    if cls is not InputError:
        InputError.__init__(err, prefix + "; ".join(f"{k}: {v}" for k, v in errors.items()), errors)
    return err
