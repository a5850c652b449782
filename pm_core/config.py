"""The process configuration: every `PILLARS_*` environment variable, declared once with its help text.

Configuration fails closed. An unknown value (`PILLARS_MODE=intranett`) or an unknown variable
name (`PILLARS_EDITOR=...`, a typo for PILLARS_EDITORS) is refused with a message naming the
variable and what it accepts; it is never read as the default, because the default (local mode)
makes everyone an editor. The app shows the message instead of any page, and
`python -m pm_core serve` refuses to start the server.
"""
from __future__ import annotations

import difflib
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

MODES = ("local", "intranet")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+$")


class ConfigError(ValueError):
    """A PILLARS_* variable whose name or value Pillars does not accept (the message names it)."""


@dataclass(frozen=True)
class Variable:
    name: str
    help: str
    values: str  # what it accepts, in words (shown in errors and the README)


VARIABLES: list[Variable] = [
    Variable("PILLARS_DB", "The workspace file.", "a path to a .duckdb file (default data/pillars.duckdb)"),
    Variable("PILLARS_MODE", "Who may edit: in local mode whoever runs Pillars (on this computer only); "
             "in intranet mode only the PILLARS_EDITORS.", "local or intranet (default local)"),
    Variable("PILLARS_EDITORS", "Emails of the editors in intranet mode; everyone else is a read-only viewer.",
             "comma-separated emails, e.g. pm@example.com,lead@example.com"),
    Variable("PILLARS_DEMO", "Fill an empty workspace with the demo story on first start.",
             "1 or 0 (default 1 in local mode, 0 in intranet mode)"),
    Variable("PILLARS_TIMING_LOG", "A file the Data page appends timing marks to (upload, preview, import).",
             "a file path; unset in normal use"),
    Variable("PILLARS_CHROMIUM", "The Chromium the browser tests drive (tests only).", "a path (default /usr/bin/chromium)"),
    Variable("PILLARS_KEEP_SHUTDOWN", "Let pytest run the interpreter's shutdown pass (tests only).", "any value"),
    Variable("PILLARS_UPDATE_DOCS", "Let the browser tests refresh the README screenshot (tests only).", "1 or unset"),
]
_BY_NAME = {v.name: v for v in VARIABLES}


@dataclass(frozen=True)
class Config:
    """The validated configuration of this process."""

    db: Path
    mode: str
    editors: tuple[str, ...]
    demo: bool
    timing_log: Path | None


def _refuse(name: str, raw: str, why: str = "") -> ConfigError:
    var = _BY_NAME[name]
    return ConfigError(f"{name}={raw!r} is not accepted{': ' + why if why else ''}. {name} takes {var.values}. "
                       f"({var.help})")


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Return the validated Config from the environment; raise ConfigError on any unknown name or value.

    Empty values count as unset. PILLARS_DEMO defaults to on only in local mode, so a new intranet
    workspace starts empty instead of showing every visitor a made-up company.
    """
    env = os.environ if environ is None else environ
    for name in sorted(k for k in env if k.startswith("PILLARS_")):
        if name not in _BY_NAME:
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ConfigError(f"{name} is not a Pillars setting.{hint} Known variables: {', '.join(_BY_NAME)}.")

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    mode_raw = get("PILLARS_MODE")
    mode = mode_raw.lower() or "local"
    if mode not in MODES:
        raise _refuse("PILLARS_MODE", env.get("PILLARS_MODE", ""))

    editors: list[str] = []
    for part in get("PILLARS_EDITORS").split(","):
        email = part.strip()
        if not email:
            continue
        if not _EMAIL.match(email):
            raise _refuse("PILLARS_EDITORS", env.get("PILLARS_EDITORS", ""), f"{email!r} is not an email address")
        editors.append(email)

    demo_raw = get("PILLARS_DEMO")
    if demo_raw == "":
        demo = mode == "local"
    elif demo_raw in {"0", "1"}:
        demo = demo_raw == "1"
    else:
        raise _refuse("PILLARS_DEMO", env.get("PILLARS_DEMO", ""))

    db_raw = get("PILLARS_DB")
    timing = get("PILLARS_TIMING_LOG")
    return Config(db=Path(db_raw) if db_raw else Path("data") / "pillars.duckdb", mode=mode,
                  editors=tuple(editors), demo=demo, timing_log=Path(timing) if timing else None)


def variables_table() -> list[dict]:
    """Return [{'name', 'values', 'help'}] for every declared variable, in declaration order (for docs and `serve --help`)."""
    return [{"name": v.name, "values": v.values, "help": v.help} for v in VARIABLES]


def is_loopback(address: str) -> bool:
    """Return True when address only reaches this computer (127.0.0.0/8, ::1, localhost, ::ffff:127.x, fe80-style zone ids stripped)."""
    a = address.strip().strip("[]").lower().split("%")[0]
    if a in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # '::ffff:127.0.0.1' is not is_loopback before Python 3.13
    return (mapped or ip).is_loopback
