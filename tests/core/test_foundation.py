"""Roles, settings, periods and number formatting: the small pieces every area leans on."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from pm_core.auth import Actor, PermissionDenied, require_editor, resolve_role
from pm_core.formatting import fmt_change, fmt_days, fmt_money, fmt_pct, fmt_value
from pm_core.periods import PeriodError, parse_period
from pm_core.settings import SettingError, get_settings, update_settings
from tests.conftest import ROOT


@pytest.mark.parametrize("mode,email,editors,role", [
    ("local", None, [], "editor"),
    ("local", "someone@x.com", [], "editor"),
    ("intranet", None, ["pm@x.com"], "viewer"),
    ("intranet", "eng@x.com", ["pm@x.com"], "viewer"),
    ("intranet", "PM@X.com", ["pm@x.com"], "editor"),
    ("intranet", "pm@x.com", [], "viewer"),
])
def test_resolve_role(mode, email, editors, role):
    assert resolve_role(email, mode, editors).role == role


def test_require_editor_refuses_viewers_and_nobody():
    with pytest.raises(PermissionDenied, match="viewer"):
        require_editor(Actor(email="v@x.com", role="viewer"))
    with pytest.raises(PermissionDenied):
        require_editor(None)
    assert require_editor(Actor(email="e@x.com", role="editor")).email == "e@x.com"


def test_settings_defaults_update_and_refusals(store, editor, viewer):
    assert get_settings(store)["funnel_goal_event"] is None  # event settings start not set (issue 13: no demo names)
    update_settings(store, editor, {"gross_margin": "0.55", "conversion_window_days": 14})
    s = get_settings(store)
    assert s["gross_margin"] == 0.55 and s["conversion_window_days"] == 14
    with pytest.raises(SettingError, match="gross_margin"):
        update_settings(store, editor, {"gross_margin": 7})
    with pytest.raises(SettingError, match="unknown setting"):
        update_settings(store, editor, {"nope": 1})
    with pytest.raises(PermissionDenied):
        update_settings(store, viewer, {"gross_margin": 0.5})
    assert get_settings(store)["gross_margin"] == 0.55


@pytest.mark.parametrize("text,start,end,prev", [
    ("2026-05", dt.date(2026, 5, 1), dt.date(2026, 6, 1), "2026-04"),
    ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 2, 1), "2025-12"),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1), "2026-11"),
    ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 10, 1), "2026-Q2"),
    ("2026-q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1), "2025-Q4"),
    ("2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1), "2026-Q3"),
    ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1), "2025"),
])
def test_parse_period(text, start, end, prev):
    p = parse_period(text)
    assert (p.start, p.end, p.previous().label) == (start, end, prev)


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "May 2026", "26-05"])
def test_parse_period_refuses(bad):
    with pytest.raises(PeriodError, match="unknown period"):
        parse_period(bad)


def test_period_all_and_elapsed():
    assert parse_period("all").is_all and parse_period(None).is_all
    q3 = parse_period("2026-Q3")
    assert q3.fraction_elapsed(dt.date(2026, 6, 1)) == 0.0
    assert q3.fraction_elapsed(dt.date(2026, 12, 1)) == 1.0
    assert abs(q3.fraction_elapsed(dt.date(2026, 8, 15)) - 45 / 92) < 1e-9


@pytest.mark.parametrize("fn,args,out", [
    (fmt_pct, (0.124,), "12.4%"),
    (fmt_pct, (None,), "—"),
    (fmt_money, (1_234_567,), "$1.2M"),
    (fmt_money, (67_000, "GBP"), "£67.0K"),
    (fmt_money, (90_000, "CHF"), "CHF 90.0K"),
    (fmt_days, (3.14,), "3.1 days"),
    (fmt_days, (0.25,), "6.0 hours"),
    (fmt_value, (-12.0, "nps"), "-12"),
    (fmt_value, (12480, "users"), "12.5K"),
    (fmt_change, (0.30, 0.25, "fraction"), "+5.0 pp"),
    (fmt_change, (110, 100, "users"), "+10.0%"),
    (fmt_change, (None, 100, "users"), "—"),
])
def test_formatting(fn, args, out):
    assert fn(*args) == out


def _cli(db, *args):
    return subprocess.run([sys.executable, "-m", "pm_core", "--db", str(db), *args],
                          cwd=ROOT, capture_output=True, text=True)


def test_cli_info_on_new_workspace(tmp_path):
    db = tmp_path / "cli.duckdb"
    p = _cli(db, "info", "--json")
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout)
    assert info["schema_version"] >= 1 and info["tables"]["events"] == 0 and info["imports"] == []


def test_cli_refuses_bad_file_in_words(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("hello")
    p = _cli(bad, "info", "--json")
    assert p.returncode == 2
    assert "not a DuckDB database" in p.stderr and "Traceback" not in p.stderr
    assert bad.read_text() == "hello"


def test_cli_settings_roundtrip(tmp_path):
    db = tmp_path / "s.duckdb"
    p = _cli(db, "settings", "gross_margin=0.6")
    assert p.returncode == 0, p.stderr
    values = {s["key"]: s["value"] for s in json.loads(p.stdout)}
    assert values["gross_margin"] == 0.6
    p = _cli(db, "settings", "gross_margin=abc")
    assert p.returncode == 2 and "gross_margin" in p.stderr
