"""OKRs: progress maths per KR type, status thresholds, grading, validation, permissions, check-ins."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from pm_core import okrs
from pm_core.auth import PermissionDenied
from pm_core.okrs import OkrInputError, kr_progress, kr_status
from pm_core.store import utcnow
from tests.factories import append_df

Q3 = "2026-Q3"
D = dt.date


# -- progress maths ------------------------------------------------------------------------------
@pytest.mark.parametrize("kr_type, baseline, target, current, expected", [
    ("increase_to", 10, 20, 15, 0.5),
    ("increase_to", 10, 20, 25, 1.0),        # clamped above
    ("increase_to", 10, 20, 5, 0.0),         # clamped below
    ("increase_to", 10, 20, 10, 0.0),
    ("increase_to", 0.30, 0.315, 0.306, 0.4),
    ("decrease_to", 20, 10, 15, 0.5),        # baseline above target: the same formula inverts naturally
    ("decrease_to", 20, 10, 8, 1.0),
    ("decrease_to", 20, 10, 22, 0.0),
    ("decrease_to", 5.0, 3.0, 4.5, 0.25),
    ("stay_above", 0.999, 0.995, 0.9991, 1.0),
    ("stay_above", 0.999, 0.995, 0.99, 0.0),  # breached
    ("stay_above", 0.999, 0.995, 0.995, 1.0),  # on the line still holds
    ("stay_below", 300, 400, 380, 1.0),
    ("stay_below", 300, 400, 401, 0.0),
    ("milestone", 0, 1, 1, 1.0),
    ("milestone", 0, 1, 0, 0.0),
    ("increase_to", 10, 20, None, 0.0),      # no value yet
])
def test_kr_progress(kr_type, baseline, target, current, expected):
    assert kr_progress(kr_type, baseline, target, current) == pytest.approx(expected)


def test_zero_width_range_raises_in_maths():
    with pytest.raises(ValueError):
        kr_progress("increase_to", 5, 5, 6)


@pytest.mark.parametrize("progress, expected, confidence, status", [
    (0.50, 0.50, None, "on_track"),
    (0.45, 0.50, 7, "on_track"),     # exactly 90% of pace
    (0.44, 0.50, 7, "at_risk"),      # just under 90%
    (0.30, 0.50, 7, "at_risk"),      # exactly 60% is not off track
    (0.29, 0.50, 7, "off_track"),
    (0.80, 0.50, 4, "at_risk"),      # ahead but the team is unsure
    (0.80, 0.50, 3, "off_track"),    # confidence 3 or less is off track whatever the pace
    (0.80, 0.50, 5, "on_track"),
    (0.00, 0.00, None, "on_track"),  # period not started
])
def test_status_thresholds(progress, expected, confidence, status):
    assert kr_status("increase_to", progress, expected, confidence, True, False) == status


def test_status_special_types():
    assert kr_status("stay_above", 1.0, 0.7, None, True, False) == "on_track"
    assert kr_status("stay_above", 0.0, 0.1, 9, True, False) == "off_track"
    assert kr_status("milestone", 0.0, 0.8, None, True, False) == "on_track"  # not due yet, no doubts
    assert kr_status("milestone", 0.0, 0.8, 4, True, False) == "at_risk"
    assert kr_status("milestone", 0.0, 1.0, None, True, True) == "off_track"  # period over, not done
    assert kr_status("increase_to", 0.0, 0.5, None, False, False) == "no_data"


def test_grade_notes():
    assert "sweet spot" in okrs.grade_note(0.65)
    assert "sweet spot" in okrs.grade_note(0.6)
    assert "missed" == okrs.grade_note(0.2)
    assert "ambitious" in okrs.grade_note(1.0)
    assert okrs.grade_note(None) == ""


# -- helpers ---------------------------------------------------------------------------------------
def _objective(store, editor, period=Q3, **kw):
    return okrs.create_objective(store, editor, {"title": kw.pop("title", "Make Nomadly the home of long stays"),
                                                 "period": period, "owner": kw.pop("owner", "Maya"),
                                                 "pillar": kw.pop("pillar", "growth"), **kw})


def _kr(store, editor, oid, **kw):
    data = {"objective_id": oid, "title": "Raise weekly bookings", "kr_type": "increase_to",
            "baseline": 100, "target": 200, "unit": "count"}
    data.update(kw)
    return okrs.create_key_result(store, editor, data)


def _events(store, rows, import_id="imp_test", file_name="events.csv"):
    """Insert events and an imports row as the importer would (user, event, ts, properties)."""
    df = pd.DataFrame(rows, columns=["user_id", "event", "ts", "properties"])
    df["ts"] = pd.to_datetime(df["ts"])
    df.insert(0, "import_id", import_id)
    with store.transaction() as cur:
        cur.execute("INSERT INTO imports VALUES (?, ?, 'x', 1, 'events', 'generic', ?, ?, 0, 'test', ?, NULL)",
                    [import_id, file_name, len(df), len(df), utcnow()])
        append_df(cur, "events", df)


# -- validation ------------------------------------------------------------------------------------
def test_zero_width_and_direction_refused(store, editor):
    oid = _objective(store, editor)
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, baseline=5, target=5)
    assert "zero-width" in str(e.value)
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, kr_type="increase_to", baseline=20, target=10)
    assert "decrease to" in str(e.value)
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, kr_type="decrease_to", baseline=10, target=20)
    assert "increase to" in str(e.value)
    assert okrs.list_okrs(store, Q3, D(2026, 8, 1))[0].key_results == []  # nothing saved


def test_field_level_messages(store, editor):
    oid = _objective(store, editor)
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, weight=0)
    assert "weight" in e.value.errors and "positive" in e.value.errors["weight"]
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, kpi="retension")
    assert "'retension'" in e.value.errors["kpi"]
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, due_date=D(2026, 10, 2))
    assert "outside the period" in e.value.errors["due_date"]
    with pytest.raises(OkrInputError) as e:
        _kr(store, editor, oid, title="  ")
    assert "title" in e.value.errors
    with pytest.raises(OkrInputError) as e:
        okrs.create_objective(store, editor, {"title": "x", "period": "2026-Q5"})
    assert "period" in e.value.errors
    with pytest.raises(OkrInputError) as e:
        okrs.create_objective(store, editor, {"title": "x", "period": Q3, "pillar": "marketing"})
    assert "pillar" in e.value.errors
    kid = _kr(store, editor, oid)
    for bad, field in (({"confidence": 11}, "confidence"), ({"confidence": 2.5}, "confidence"),
                       ({"as_of": D(2026, 6, 30)}, "as_of")):
        with pytest.raises(OkrInputError) as e:
            okrs.add_checkin(store, editor, kid, 120, **bad)
        assert field in e.value.errors


def test_milestone_forced_to_done_scale(store, editor):
    oid = _objective(store, editor)
    kid = _kr(store, editor, oid, kr_type="milestone", title="Launch the verified WiFi filter", baseline=3, target=9)
    k = okrs.get_key_result(store, kid)
    assert (k["baseline"], k["target"], k["unit"]) == (0.0, 1.0, "done")
    with pytest.raises(OkrInputError):
        okrs.add_checkin(store, editor, kid, 0.5)
    okrs.add_checkin(store, editor, kid, 1, as_of=D(2026, 8, 3))
    kr = okrs.list_okrs(store, Q3, D(2026, 8, 10))[0].key_results[0]
    assert kr.progress == 1.0 and kr.status == "on_track"


def test_parent_loop_refused(store, editor):
    a = _objective(store, editor, title="A")
    b = _objective(store, editor, title="B", parent_id=a)
    with pytest.raises(OkrInputError) as e:
        okrs.update_objective(store, editor, a, {"title": "A", "period": Q3, "parent_id": b})
    assert "parent" in str(e.value)


# -- permissions ----------------------------------------------------------------------------------
def test_viewers_cannot_write(store, editor, viewer):
    oid = _objective(store, editor)
    kid = _kr(store, editor, oid)
    ci = okrs.add_checkin(store, editor, kid, 120, as_of=D(2026, 7, 10))
    before = store.table_counts()
    calls = [
        lambda: okrs.create_objective(store, viewer, {"title": "x", "period": Q3}),
        lambda: okrs.update_objective(store, viewer, oid, {"title": "x", "period": Q3}),
        lambda: okrs.archive_objective(store, viewer, oid),
        lambda: okrs.create_key_result(store, viewer, {"objective_id": oid, "title": "y", "baseline": 0, "target": 1}),
        lambda: okrs.update_key_result(store, viewer, kid, {"objective_id": oid, "title": "y", "baseline": 0, "target": 1}),
        lambda: okrs.archive_key_result(store, viewer, kid),
        lambda: okrs.add_checkin(store, viewer, kid, 130),
        lambda: okrs.edit_checkin(store, viewer, ci.id, 1),
        lambda: okrs.delete_checkin(store, viewer, ci.id),
        lambda: okrs.create_period(store, viewer, "Launch", D(2026, 7, 1), D(2026, 8, 1)),
        lambda: okrs.auto_checkins_after_import(store, viewer, "imp_x"),
        lambda: okrs.seed_demo(store, viewer, "."),
        lambda: okrs.create_objective(store, None, {"title": "x", "period": Q3}),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert store.table_counts() == before


# -- progress, expected, status, grade through the store --------------------------------------------
def test_objective_rollup_weighted_expected_and_grade(store, editor):
    oid = _objective(store, editor)
    a = _kr(store, editor, oid, baseline=0, target=100, weight=3)
    b = _kr(store, editor, oid, kr_type="decrease_to", baseline=10, target=5, unit="days", weight=1, title="Faster")
    okrs.add_checkin(store, editor, a, 40, confidence=7, as_of=D(2026, 8, 15))
    okrs.add_checkin(store, editor, b, 9, confidence=4, as_of=D(2026, 8, 15))
    today = D(2026, 8, 16)  # 46 of 92 days: expected 0.5
    [o] = okrs.list_okrs(store, Q3, today)
    ka, kb = o.key_results
    assert ka.expected == pytest.approx(46 / 92)
    assert (ka.progress, kb.progress) == (pytest.approx(0.4), pytest.approx(0.2))
    assert ka.status == "at_risk"  # 0.4 < 0.9 * 0.5 but >= 0.6 * 0.5
    assert kb.status == "off_track"  # 0.2 < 0.3
    assert o.progress == pytest.approx((0.4 * 3 + 0.2) / 4)
    assert o.confidence == pytest.approx((7 * 3 + 4) / 4, abs=0.05)  # shown to one decimal
    assert ka.grade is None and o.grade is None  # not graded before the end
    [o] = okrs.list_okrs(store, Q3, D(2026, 10, 1))
    assert o.key_results[0].expected == 1.0
    assert o.grade == pytest.approx(round((0.4 * 3 + 0.2) / 4, 2))
    assert o.key_results[0].grade == pytest.approx(0.4)


def test_current_is_latest_by_day_and_confidence_carries(store, editor):
    oid = _objective(store, editor)
    k = _kr(store, editor, oid)
    okrs.add_checkin(store, editor, k, 150, confidence=6, as_of=D(2026, 8, 20))
    okrs.add_checkin(store, editor, k, 130, as_of=D(2026, 8, 1))  # back-filled, older day
    kr = okrs.list_okrs(store, Q3, D(2026, 8, 25))[0].key_results[0]
    assert kr.current == 150 and kr.confidence == 6
    assert kr.sparkline == [130, 150] and kr.checkins == 2


def test_edit_and_delete_checkin(store, editor):
    oid = _objective(store, editor)
    k = _kr(store, editor, oid)
    ci = okrs.add_checkin(store, editor, k, 150, confidence=6, comment="ok", as_of=D(2026, 8, 20))
    okrs.edit_checkin(store, editor, ci.id, 160, confidence=2, comment="slipping")
    [c] = okrs.get_checkins(store, k)
    assert (c.value, c.confidence, c.comment, c.edited_by) == (160, 2, "slipping", editor.email)
    okrs.delete_checkin(store, editor, ci.id)
    assert okrs.get_checkins(store, k) == []


def test_archive_hides_and_filters(store, editor):
    o1 = _objective(store, editor, title="Growth", owner="Maya", pillar="growth")
    o2 = _objective(store, editor, title="Delivery", owner="Lee", pillar="delivery")
    k1 = _kr(store, editor, o1)
    _kr(store, editor, o2)
    okrs.add_checkin(store, editor, k1, 190, as_of=D(2026, 8, 1))
    today = D(2026, 8, 16)
    assert [o.title for o in okrs.list_okrs(store, Q3, today, pillar="delivery")] == ["Delivery"]
    assert [o.title for o in okrs.list_okrs(store, Q3, today, owner="Maya")] == ["Growth"]
    assert [o.title for o in okrs.list_okrs(store, Q3, today, status="no_data")] == ["Delivery"]
    assert okrs.okr_status_counts(store, Q3, today) == {"on_track": 1, "at_risk": 0, "off_track": 0, "no_data": 1}
    okrs.archive_objective(store, editor, o2)
    assert [o.title for o in okrs.list_okrs(store, Q3, today)] == ["Growth"]
    okrs.archive_key_result(store, editor, k1)
    assert okrs.list_okrs(store, Q3, today)[0].key_results == []


def test_custom_period(store, editor):
    label = okrs.create_period(store, editor, "Launch sprint", D(2026, 7, 6), D(2026, 8, 2))
    with pytest.raises(OkrInputError):
        okrs.create_period(store, editor, "Launch sprint", D(2026, 7, 6), D(2026, 8, 2))
    with pytest.raises(OkrInputError):
        okrs.create_period(store, editor, "2026-Q1", D(2026, 7, 6), D(2026, 8, 2))
    with pytest.raises(OkrInputError) as e:
        okrs.create_period(store, editor, "Backwards", D(2026, 8, 6), D(2026, 8, 2))
    assert "end" in e.value.errors
    oid = _objective(store, editor, period=label)
    k = _kr(store, editor, oid, baseline=0, target=10)
    okrs.add_checkin(store, editor, k, 5, as_of=D(2026, 7, 20))
    kr = okrs.list_okrs(store, label, D(2026, 7, 20))[0].key_results[0]
    assert kr.expected == pytest.approx(14 / 28)
    assert okrs.okr_periods(store) == [label]


# -- summary ---------------------------------------------------------------------------------------
def test_summary_line(store, editor):
    oid = _objective(store, editor)
    ret = _kr(store, editor, oid, title="Increase user retention by 5% in Q3", baseline=0.30, target=0.315,
              unit="fraction", weight=2)
    other = _kr(store, editor, oid)
    okrs.add_checkin(store, editor, ret, 0.3075, confidence=6, as_of=D(2026, 9, 1))
    okrs.add_checkin(store, editor, other, 200, confidence=8, as_of=D(2026, 9, 1))
    today = D(2026, 9, 5)  # 66 of 92 days elapsed -> 28% left; retention progress 0.5 vs expected 0.72: at risk
    line = okrs.okr_summary(store, Q3, today)
    # The point first: the at-risk KR, in words; then the count on track (headline wording: tests/core/test_headlines.py).
    assert line == ("'Increase user retention by 5% in Q3' is at risk: up 2.5% against a +5% goal, with 28% of the "
                    "quarter left. 1 of 2 key results is on track.")
    over = okrs.okr_summary(store, Q3, D(2026, 10, 3))
    assert "is over: average grade" in over and "at the end of the quarter" in over
    assert okrs.okr_summary(store, "2026-Q4", D(2026, 10, 3)) == "No key results for Q4 2026 (1 Oct – 31 Dec 2026) yet."


# -- linked to event counts --------------------------------------------------------------------------
def _booking_rows(start: D, days: int, per_day, event="booking_completed", platform="iOS"):
    rows = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        for j in range(per_day(i)):
            rows.append((f"u{i}_{j}", event, f"{day} 12:00:00", json.dumps({"platform": platform})))
    return rows


def test_event_window_link_and_auto_checkins(store, editor):
    # Events from 1 Jun to 31 Jul: 2 bookings a day in June, 3 a day in July; one 'search' a day (ignored).
    _events(store, _booking_rows(D(2026, 6, 1), 30, lambda i: 2) + _booking_rows(D(2026, 7, 1), 31, lambda i: 3)
            + _booking_rows(D(2026, 6, 1), 61, lambda i: 1, event="search"), import_id="imp_1")
    oid = _objective(store, editor)
    base, note = okrs.linked_value(store, None, "booking_completed", 28, None, okrs.resolve_period(store, "2026-Q2"),
                                   D(2026, 11, 25))
    assert base == 56 and "2026-06-03" in note  # 28 days ending 30 Jun, 2 a day
    kid = okrs.create_key_result(store, editor, {
        "objective_id": oid, "title": "Increase bookings over 28 days by 15% in Q3", "link": "events:booking_completed:28d",
        "baseline": base, "target": base * 1.15}, today=D(2026, 11, 25))
    [first] = okrs.get_checkins(store, kid)
    assert first.source == "link" and first.value == 28 * 3 and first.as_of == D(2026, 7, 31)
    # An import that does not change the count adds nothing.
    assert okrs.auto_checkins_after_import(store, editor, "imp_1", today=D(2026, 11, 25)) == []
    # A newer export with August bookings (4 a day) moves the KR.
    _events(store, _booking_rows(D(2026, 8, 1), 31, lambda i: 4), import_id="imp_2", file_name="events_aug.csv")
    created = okrs.auto_checkins_after_import(store, editor, "imp_2", today=D(2026, 11, 25))
    assert len(created) == 1
    c = created[0]
    assert (c.kr_id, c.source, c.import_id, c.value, c.as_of) == (kid, "import", "imp_2", 28 * 4, D(2026, 8, 31))
    assert "events_aug.csv" in c.comment
    kr = okrs.list_okrs(store, Q3, D(2026, 9, 1))[0].key_results[0]
    assert kr.current == 112 and kr.link == "events:booking_completed:28d" and kr.kpi is None
    assert kr.progress == 1.0  # 112 >= 56 * 1.15
    hist = okrs.get_checkins(store, kid)
    assert [h.source for h in hist] == ["link", "import"] and hist[-1].import_file == "events_aug.csv"


def test_event_window_refuses_partial_data_and_filters_segment(store, editor):
    _events(store, _booking_rows(D(2026, 7, 20), 12, lambda i: 1)
            + _booking_rows(D(2026, 7, 20), 12, lambda i: 2, platform="Web"))
    q3 = okrs.resolve_period(store, Q3)
    v, note = okrs.linked_value(store, None, "booking_completed", 28, None, q3, D(2026, 11, 1))
    assert v is None and "starts before the first event" in note
    v, _ = okrs.linked_value(store, None, "booking_completed", 7, "platform=Web", q3, D(2026, 11, 1))
    assert v == 14
    v, _ = okrs.linked_value(store, None, "booking_completed", 7, None, q3, D(2026, 11, 1))
    assert v == 21
    v, note = okrs.linked_value(store, None, "booking_completed", 7, None, okrs.resolve_period(store, "2026-Q4"),
                                D(2026, 11, 1))
    assert v is None and "no events in 2026-Q4" in note


def test_targets_by_kpi(store, editor):
    oid = _objective(store, editor)
    _kr(store, editor, oid, kpi="retention", baseline=0.3, target=0.315, unit="")
    _kr(store, editor, oid, kpi="churn", kr_type="decrease_to", baseline=0.2, target=0.15, segment="platform=iOS")
    assert okrs.targets_by_kpi(store, Q3) == {"retention": 0.315}


# -- CLI -------------------------------------------------------------------------------------------
def test_cli_json_and_checkin(tmp_path, editor, capsys):
    from pm_core.cli import main
    from pm_core.store import open_store

    db = tmp_path / "cli.duckdb"
    s = open_store(db)
    oid = _objective(s, editor)
    kid = _kr(s, editor, oid, kpi=None)
    okrs.add_checkin(s, editor, kid, 150, confidence=7, as_of=D(2026, 8, 1))
    s.close()
    assert main(["--db", str(db), "okrs", "--period", Q3, "--today", "2026-08-16", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == Q3 and "on track" in out["summary"]
    [o] = out["objectives"]
    assert {"id", "title", "progress", "status", "key_results"} <= set(o)
    [k] = o["key_results"]
    assert (k["id"], k["type"], k["baseline"], k["target"], k["current"], k["kpi"]) == (kid, "increase_to", 100, 200, 150, None)
    assert k["progress"] == 0.5 and k["expected"] == pytest.approx(46 / 92, abs=1e-4)
    assert k["status"] == "on_track" and k["confidence"] == 7 and k["grade"] is None
    assert main(["--db", str(db), "okrs", "checkin", kid, "180", "--confidence", "9", "--comment", "good week",
                 "--as-of", "2026-08-20"]) == 0
    ci = json.loads(capsys.readouterr().out)
    assert (ci["value"], ci["confidence"], ci["comment"], ci["author"], ci["source"]) == (180, 9, "good week", "cli", "manual")
    assert main(["--db", str(db), "okrs", "checkin", kid, "180", "--confidence", "12"]) == 2
    assert "confidence" in capsys.readouterr().err
    assert main(["--db", str(db), "okrs", "--period", "2026-Q7", "--json"]) == 2


# -- values that must be refused (issue 17, item 6) -------------------------------------------------
@pytest.mark.parametrize("field, value, message", [
    ("title", "\u200b\u200c\u200d", "title holds only invisible characters"),
    ("title", "\ufeff\u2060 ", "title holds only invisible characters"),
    ("title", "Grow \u202eyenom", "title contains bidirectional control characters (U+202E)"),
    ("owner", "\u2066admin\u2069", "owner contains bidirectional control characters (U+2066, U+2069)"),
    ("title", "x" * 201, "keep the title under 200 characters (it has 201)"),
    ("owner", "o" * 10_000, "keep the owner under 200 characters"),
    ("description", "d" * 20_001, "keep the description under 20,000 characters"),
])
def test_objective_text_refused_naming_the_field(store, editor, field, value, message):
    data = {"title": "Grow", "period": Q3, field: value}
    with pytest.raises(OkrInputError) as exc:
        okrs.create_objective(store, editor, data)
    assert message in exc.value.errors[field]


def test_key_result_title_of_invisible_characters_is_empty(store, editor):
    oid = okrs.create_objective(store, editor, {"title": "Grow", "period": Q3})
    with pytest.raises(OkrInputError) as exc:
        okrs.create_key_result(store, editor, {"objective_id": oid, "title": "\u200b", "baseline": 0, "target": 1})
    assert "invisible" in exc.value.errors["title"]


@pytest.mark.parametrize("label, message", [
    ("p" * 10_000, "keep the period name under 200 characters (it has 10,000)"),
    ("\u200b\u200b", "period name holds only invisible characters"),
    ("Launch \u202e", "period name contains bidirectional control characters"),
])
def test_custom_period_name_refused(store, editor, label, message):
    with pytest.raises(OkrInputError) as exc:
        okrs.create_period(store, editor, label, D(2026, 7, 1), D(2026, 8, 31))
    assert message in exc.value.errors["label"]


@pytest.mark.parametrize("value", [1e15, -1e15, 10.5, float("nan"), float("inf"), float("-inf")])
def test_checkin_out_of_range_on_a_percentage_kr_is_refused(store, editor, value):
    oid = okrs.create_objective(store, editor, {"title": "Grow", "period": Q3})
    kr = okrs.create_key_result(store, editor, {"objective_id": oid, "title": "Retention to 30%", "baseline": 0.2,
                                                "target": 0.3, "unit": "fraction"})
    with pytest.raises(OkrInputError) as exc:
        okrs.add_checkin(store, editor, kr, value, as_of=D(2026, 7, 15))
    assert "value" in exc.value.errors and ("finite" in exc.value.errors["value"] or "1000%" in exc.value.errors["value"])
    assert okrs.get_checkins(store, kr) == []
    okrs.add_checkin(store, editor, kr, 9.5, as_of=D(2026, 7, 15))  # 950%: odd, but plausible
    with pytest.raises(OkrInputError) as exc:
        okrs.edit_checkin(store, editor, okrs.get_checkins(store, kr)[0].id, value, as_of=D(2026, 7, 15))
    assert "value" in exc.value.errors


@pytest.mark.parametrize("field, value, unit", [("baseline", float("nan"), "number"), ("target", float("inf"), "number"),
                                                ("target", 1e15, "fraction"), ("target", 1e13, "count")])
def test_key_result_numbers_must_be_finite_and_plausible(store, editor, field, value, unit):
    oid = okrs.create_objective(store, editor, {"title": "Grow", "period": Q3})
    data = {"objective_id": oid, "title": "KR", "baseline": 0, "target": 1, "unit": unit, field: value}
    with pytest.raises(OkrInputError) as exc:
        okrs.create_key_result(store, editor, data)
    assert field in str(exc.value)
