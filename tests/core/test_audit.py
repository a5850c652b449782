"""Audit log: each write made here through pm_core leaves exactly the row its inputs dictate (actor, action, object, before → after written out by hand); a write that fails inside its transaction leaves none."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest

from pm_core import audiences as A
from pm_core import audit, career, okrs
from pm_core import roadmap as rm
from pm_core.auth import Actor, PermissionDenied
from pm_core.cli import main
from pm_core.ingest import delete_import, import_file
from pm_core.settings import update_settings
from pm_core.store import audit_store, open_store

D = dt.date
Q3 = "2026-Q3"
LEAD = Actor(email="lead@example.com", role="editor")


def log(store, **filters):
    return audit.list_audit(store, LEAD, **filters)


def latest(store):
    rows = log(store, limit=1)
    assert rows, "no audit row"
    return rows[0]


def what(row):
    return row["actor"], row["action"], row["object_type"], row["object_id"], row["object_name"], row["summary"]


def events_csv(path, rows):
    pd.DataFrame(rows, columns=["user_id", "event", "timestamp"]).to_csv(path, index=False)
    return path


def _ini(title="Verified WiFi filter", **kw):
    return {"title": title, "problem": "Nomads cannot trust WiFi", "status": "planned", "pillar": "discovery",
            "team": "Search", "start_date": "2026-06-01", "end_date": "2026-08-03", "reach": 6000, "impact": 2,
            "confidence": 80, "effort": 3, **kw}


# -- the table on old and new workspaces -----------------------------------------------------------
def test_a_workspace_made_before_the_log_gets_the_table_on_open(tmp_path, editor):
    path = tmp_path / "old.duckdb"
    open_store(path).close()
    # a file written before the audit log existed: same schema, no audit_log table or sequence
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE audit_log")
    con.execute("DROP SEQUENCE audit_log_seq")
    con.execute("INSERT INTO settings VALUES ('gross_margin', '0.6', 'old@example.com', now()::TIMESTAMP)")
    assert "audit_log" not in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    s = open_store(path)
    try:
        assert s.table_counts()["audit_log"] == 0
        update_settings(s, editor, {"gross_margin": 0.5})
        assert what(audit.list_audit(s, editor)[0]) == (
            "pm@example.com", "change", "setting", "gross_margin", "gross_margin", "gross_margin: 0.6 → 0.5")
    finally:
        s.close()


# -- one row per kind of write ---------------------------------------------------------------------
def test_settings_record_old_and_new_values(store):
    update_settings(store, LEAD, {"conversion_window_days": 14})
    assert what(latest(store)) == ("lead@example.com", "change", "setting", "conversion_window_days",
                                   "conversion_window_days", "conversion_window_days: 30 → 14")
    update_settings(store, LEAD, {"conversion_window_days": 7, "gross_margin": 0.7})
    # gross_margin is given its default value: nothing changed, so only the window has a row
    assert [r["summary"] for r in log(store)] == ["conversion_window_days: 14 → 7", "conversion_window_days: 30 → 14"]
    update_settings(store, LEAD, {"conversion_window_days": 7})  # stored again unchanged
    assert len(log(store)) == 2


def test_import_and_its_deletion(store, tmp_path):
    f = events_csv(tmp_path / "amplitude_june.csv", [("a", "search", "2026-06-01"), ("b", "search", "2026-06-02"),
                                                    ("c", "search", "not a date")])
    res = import_file(store, LEAD, f)
    row = latest(store)
    assert what(row)[:5] == ("lead@example.com", "import", "import", res.import_id, "amplitude_june.csv")
    assert row["summary"].startswith("2 of 3 rows as events (") and row["summary"].endswith("); 1 rejected")
    delete_import(store, LEAD, res.import_id)
    assert what(latest(store)) == ("lead@example.com", "delete", "import", res.import_id, "amplitude_june.csv",
                                   "2 rows removed")


def test_okr_writes(store):
    label = okrs.create_period(store, LEAD, "Launch", D(2026, 7, 1), D(2026, 8, 31))
    assert what(latest(store)) == ("lead@example.com", "create", "okr_period", label, "Launch", "2026-07-01 – 2026-08-31")

    oid = okrs.create_objective(store, LEAD, {"title": "Nomads book long stays", "period": Q3, "owner": "Ana"})
    assert what(latest(store)) == ("lead@example.com", "create", "objective", oid, "Nomads book long stays",
                                   f"title Nomads book long stays; period {Q3}; owner Ana")
    okrs.update_objective(store, LEAD, oid, {"title": "Nomads stay longer", "period": Q3, "owner": "Ana"})
    assert what(latest(store)) == ("lead@example.com", "edit", "objective", oid, "Nomads stay longer",
                                   "title: Nomads book long stays → Nomads stay longer")

    kid = okrs.create_key_result(store, LEAD, {"objective_id": oid, "title": "Conversion to 25%", "baseline": 0.2,
                                               "target": 0.25, "unit": "fraction"})
    row = latest(store)
    assert what(row)[:5] == ("lead@example.com", "create", "key_result", kid, "Conversion to 25%")
    assert "baseline 0.2" in row["summary"] and "target 0.25" in row["summary"]
    okrs.update_key_result(store, LEAD, kid, {"objective_id": oid, "title": "Conversion to 25%", "baseline": 0.2,
                                              "target": 0.3, "unit": "fraction"})
    assert what(latest(store)) == ("lead@example.com", "edit", "key_result", kid, "Conversion to 25%",
                                   "target: 0.25 → 0.3")

    ci = okrs.add_checkin(store, LEAD, kid, 0.235, confidence=7, as_of=D(2026, 7, 10))
    assert what(latest(store)) == ("lead@example.com", "check_in", "check_in", ci.id, "Conversion to 25%",
                                   "value 23.5% (confidence 7), as of 2026-07-10")
    okrs.edit_checkin(store, LEAD, ci.id, 0.24, confidence=8, comment="Better week")
    assert what(latest(store)) == ("lead@example.com", "edit", "check_in", ci.id, "Conversion to 25%",
                                   "value: 23.5% → 24.0%; confidence: 7 → 8; comment: — → Better week")
    okrs.delete_checkin(store, LEAD, ci.id)
    assert what(latest(store)) == ("lead@example.com", "delete", "check_in", ci.id, "Conversion to 25%",
                                   "value 24.0% (confidence 8), as of 2026-07-10: Better week")

    okrs.archive_key_result(store, LEAD, kid)
    assert what(latest(store))[:5] == ("lead@example.com", "archive", "key_result", kid, "Conversion to 25%")
    okrs.archive_objective(store, LEAD, oid)
    assert what(latest(store))[:5] == ("lead@example.com", "archive", "objective", oid, "Nomads stay longer")
    assert [r["action"] for r in log(store, object_type="check_in")] == ["delete", "edit", "check_in"]


def test_automatic_checkins_from_data_are_recorded(store, tmp_path):
    july = [(f"u{i}", "search", f"2026-07-{d:02d} 10:00:00") for d in range(1, 21) for i in range(2)]
    import_file(store, LEAD, events_csv(tmp_path / "july.csv", july))
    oid = okrs.create_objective(store, LEAD, {"title": "Search grows", "period": Q3})
    # a KR linked to the 7-day count of searches: created on 20 July, it takes 14 (7 days x 2) from the data
    kid = okrs.create_key_result(store, LEAD, {"objective_id": oid, "title": "Weekly searches", "baseline": 10,
                                               "target": 30, "link": "events:search:7d"}, today=D(2026, 7, 20))
    first = log(store, action="auto_check_in")
    assert len(first) == 1
    assert what(first[0])[:3] == ("lead@example.com", "auto_check_in", "check_in")
    assert first[0]["object_name"] == "Weekly searches"
    assert first[0]["summary"].startswith("value 14, as of 2026-07-20: From data")
    # the next export adds 5 searches on 21 July: the window 15-21 July now holds 12 + 5 = 17
    res = import_file(store, LEAD, events_csv(tmp_path / "july_21.csv",
                                              [(f"v{i}", "search", "2026-07-21 09:00:00") for i in range(5)]))
    after = log(store, action="auto_check_in")
    assert len(after) == 2
    assert after[0]["summary"] == "value 17, as of 2026-07-21: Updated by import july_21.csv"
    assert [r["action"] for r in log(store, limit=3)] == ["auto_check_in", "import", "auto_check_in"]
    assert okrs.get_key_result(store, kid)["title"] == "Weekly searches"
    # deleting that import re-computes without its rows, recorded the same way
    delete_import(store, LEAD, res.import_id)
    assert log(store, limit=1)[0]["summary"] == (
        "value 14, as of 2026-07-20: Recomputed after import july_21.csv was deleted")


def test_roadmap_writes(store):
    iid = rm.create_initiative(store, LEAD, _ini(), kpis=["mau"])
    row = latest(store)
    assert what(row)[:5] == ("lead@example.com", "create", "initiative", iid, "Verified WiFi filter")
    assert "status planned" in row["summary"] and "KPIs: — → Monthly active users" in row["summary"]
    rm.update_initiative(store, LEAD, iid, _ini(status="in_progress", team="Trust"))
    assert what(latest(store)) == ("lead@example.com", "edit", "initiative", iid, "Verified WiFi filter",
                                   "team: Search → Trust; status: planned → in_progress")
    other = rm.create_initiative(store, LEAD, _ini("Host verification"))
    rm.set_links(store, LEAD, iid, dependencies=[other])
    assert latest(store)["summary"] == "depends on: — → Host verification"
    rm.set_raci(store, LEAD, iid, [{"task": "Ship", "person": "Ana", "role": "A/R"},
                                   {"task": "Ship", "person": "Bo", "role": "C"}])
    assert latest(store)["summary"] == "RACI saved: 1 task, 2 people"
    rm.archive_initiative(store, LEAD, iid)
    assert what(latest(store))[1:4] == ("archive", "initiative", iid)
    rm.archive_initiative(store, LEAD, iid, archived=False)
    assert what(latest(store))[1:4] == ("restore", "initiative", iid)


def test_career_saves(store):
    base = pd.DataFrame([lv.model_dump() for lv in career.default_ladder()])
    edited = base.copy()
    edited.loc[1, "band_high"] = 165_000
    career.save_ladder(store, LEAD, edited)
    rows = log(store, object_type="ladder")
    assert [r["action"] for r in rows] == ["save", "create"]  # the defaults are written first, then the edit
    assert rows[0]["summary"] == f"{base.loc[1, 'id']}: band_high: {base.loc[1, 'band_high']:g} → 165000"
    career.save_level_map(store, LEAD, [dict(company="Acme", company_level="P5", ladder_level="senior_pm")])
    row = latest(store)
    assert what(row)[:3] == ("lead@example.com", "save", "level_map")
    assert row["summary"].startswith("added Acme P5; removed ")
    career.save_reference_points(store, LEAD, [dict(label="Acme offer", amount=200_000, currency="USD",
                                                    source="offer letter", ladder_level="senior_pm")])
    row = latest(store)
    assert what(row)[:3] == ("lead@example.com", "save", "reference_points")
    assert row["summary"].startswith("added Acme offer")


def test_stakeholder_view_battle_card_and_debrief(store):
    iid = rm.create_initiative(store, LEAD, _ini())
    A.save_battle_card(store, LEAD, iid, {"value_proposition": "Work from anywhere", "for_whom": "Nomads"})
    assert what(latest(store)) == ("lead@example.com", "save", "battle_card", iid, "Verified WiFi filter",
                                   "written: value_proposition Work from anywhere; for_whom Nomads")
    A.save_battle_card(store, LEAD, iid, {"value_proposition": "Work from anywhere", "for_whom": "Remote teams"})
    assert latest(store)["summary"] == "for_whom: Nomads → Remote teams"
    A.save_debrief_notes(store, LEAD, iid, {"went_well": ["Shipped on time"]})
    assert what(latest(store)) == ("lead@example.com", "save", "debrief_notes", iid, "Verified WiFi filter",
                                   "written: went_well Shipped on time")
    sales = A.get_audience(store, "sales").model_dump()
    A.save_audience(store, LEAD, sales | {"max_items": 3})
    assert what(latest(store)) == ("lead@example.com", "save", "audience", "sales", sales["name"],
                                   f"max_items: {sales['max_items']} → 3")
    A.reset_audience(store, LEAD, "sales")
    assert what(latest(store)) == ("lead@example.com", "reset", "audience", "sales", sales["name"],
                                   f"max_items: 3 → {sales['max_items']}")


# -- all or nothing --------------------------------------------------------------------------------
@pytest.fixture
def failing_after_audit(monkeypatch):
    """Make every audit insert write its row and then fail, as any later statement of the write could."""
    real = audit_store.insert

    def insert_then_fail(cur, entries):
        real(cur, entries)
        assert cur.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0  # the row was written...
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_store, "insert", insert_then_fail)


def test_a_write_that_fails_inside_its_transaction_leaves_no_audit_row(store, tmp_path, failing_after_audit):
    iid_before = store.table_counts()
    f = events_csv(tmp_path / "e.csv", [("a", "search", "2026-06-01")])
    writes = [
        lambda: update_settings(store, LEAD, {"gross_margin": 0.5}),
        lambda: okrs.create_objective(store, LEAD, {"title": "x", "period": Q3}),
        lambda: rm.create_initiative(store, LEAD, _ini()),
        lambda: import_file(store, LEAD, f),
        lambda: career.ensure_defaults(store, LEAD),
        lambda: A.save_audience(store, LEAD, A.get_audience(store, "sales").model_dump() | {"max_items": 3}),
    ]
    for w in writes:
        with pytest.raises(RuntimeError, match="disk full"):
            w()
    # ...and the rollback took it away with the write itself
    assert store.table_counts() == iid_before
    assert store.table_counts()["audit_log"] == 0


def test_refused_input_leaves_no_audit_row(store):
    oid = okrs.create_objective(store, LEAD, {"title": "Grow", "period": Q3})
    n = len(log(store))
    with pytest.raises(okrs.OkrInputError):
        okrs.create_key_result(store, LEAD, {"objective_id": oid, "title": "y", "baseline": 1, "target": 1})
    a = rm.create_initiative(store, LEAD, _ini("A"))
    b = rm.create_initiative(store, LEAD, _ini("B"), dependencies=[a])
    n = len(log(store))
    with pytest.raises(rm.RoadmapError, match="cycle"):
        rm.update_initiative(store, LEAD, a, _ini("A renamed"), dependencies=[b])  # refused inside the transaction
    assert len(log(store)) == n
    assert rm.get_initiative(store, a).title == "A"


# -- who may read it, and filters ------------------------------------------------------------------
def test_viewers_cannot_read_the_log(store, viewer):
    update_settings(store, LEAD, {"gross_margin": 0.5})
    with pytest.raises(PermissionDenied):
        audit.list_audit(store, viewer)
    with pytest.raises(PermissionDenied):
        audit.list_audit(store, None)
    with pytest.raises(PermissionDenied):
        audit.audit_filters(store, viewer)


def test_filters_newest_first_and_limit(store, editor):
    update_settings(store, LEAD, {"gross_margin": 0.5})
    okrs.create_objective(store, editor, {"title": "Grow", "period": Q3})
    update_settings(store, editor, {"gross_margin": 0.6})
    assert [r["action"] for r in log(store)] == ["change", "create", "change"]
    assert [r["summary"] for r in log(store, person="LEAD@example.com")] == ["gross_margin: 0.7 → 0.5"]
    assert [r["object_type"] for r in log(store, action="create")] == ["objective"]
    assert len(log(store, object_type="setting")) == 2
    assert len(log(store, limit=1)) == 1
    today = dt.datetime.now(dt.timezone.utc).date()
    assert len(log(store, since=today, until=today)) == 3
    assert log(store, until=today - dt.timedelta(days=1)) == []
    assert log(store, since=today + dt.timedelta(days=1)) == []
    assert audit.audit_filters(store, editor) == {"actor": ["lead@example.com", "pm@example.com"],
                                                  "action": ["change", "create"], "object_type": ["objective", "setting"]}
    row = log(store)[0]
    assert row["action_label"] == "Changed" and row["object_label"] == "Setting"
    assert row["when"].endswith(" UTC") and row["when"].startswith(f"{today.day} {today:%b %Y}, ")
    with pytest.raises(ValueError, match="unknown action"):
        log(store, action="explode")


# -- the command line ------------------------------------------------------------------------------
def test_cli_audit_json(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "settings", "conversion_window_days=14"]) == 0
    s = open_store(db)
    try:
        okrs.create_objective(s, LEAD, {"title": "Grow", "period": Q3})
    finally:
        s.close()
    capsys.readouterr()
    assert main(["--db", str(db), "audit", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["actor"], r["action"], r["object_type"], r["object_name"]) for r in rows] == [
        ("lead@example.com", "create", "objective", "Grow"), ("cli", "change", "setting", "conversion_window_days")]
    assert rows[1]["summary"] == "conversion_window_days: 30 → 14"
    assert set(rows[0]) == {"id", "time", "actor", "action", "object_type", "object_id", "object_name", "summary"}
    assert dt.datetime.strptime(rows[0]["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert main(["--db", str(db), "audit", "--json", "--actor", "cli", "--action", "change", "--limit", "5"]) == 0
    assert [r["actor"] for r in json.loads(capsys.readouterr().out)] == ["cli"]
    today = dt.datetime.now(dt.timezone.utc).date()
    assert main(["--db", str(db), "audit", "--json", "--since", str(today + dt.timedelta(days=1))]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", str(db), "audit"]) == 0
    assert "Created objective 'Grow'" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--db", str(db), "audit", "--since", "yesterday"])
