"""The PM's journey: a KR linked to retention moves when a newer events export is imported."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import metrics, okrs
from pm_core.ingest import delete_import, import_file

Q3 = "2026-Q3"
TODAY = dt.date(2026, 11, 25)


def _write(path, rows):
    pd.DataFrame(rows, columns=["user_id", "event_type", "event_time", "platform"]).to_csv(path, index=False)
    return path


def _first_export():
    """40 users whose first event is Mon 6 Jul 2026 (one weekly cohort); users 0-9 return in week +4 (3 Aug)."""
    rows = []
    for i in range(40):
        rows.append((f"u{i}", "search", "2026-07-06 10:00:00", "iOS" if i % 2 else "Web"))
        rows.append((f"u{i}", "booking_completed", "2026-07-07 11:00:00", "iOS" if i % 2 else "Web"))
    for i in range(10):
        rows.append((f"u{i}", "search", "2026-08-04 09:00:00", "Web"))
    return rows


def _newer_export():
    """The next export: users 10-19 were also back in week +4, and users 10-29 booked in August (so 30 of 40 returned)."""
    rows = [(f"u{i}", "search", "2026-08-05 12:00:00", "iOS") for i in range(10, 20)]
    rows += [(f"u{i}", "booking_completed", "2026-08-06 12:00:00", "iOS") for i in range(10, 30)]
    return rows


def _independent_week4(df: pd.DataFrame) -> float:
    """Week-4 retention of the single 6 Jul cohort, in plain pandas: share of its users active in the week of 3 Aug."""
    df = df.assign(ts=pd.to_datetime(df["event_time"]))
    first = df.groupby("user_id")["ts"].min()
    cohort = set(first[(first >= "2026-07-06") & (first < "2026-07-13")].index)
    back = set(df[(df["ts"] >= "2026-08-03") & (df["ts"] < "2026-08-10")]["user_id"])
    return len(cohort & back) / len(cohort)


def test_retention_kr_moves_with_a_checkin_naming_the_import(store, editor, tmp_path):
    first = _write(tmp_path / "events_2026-08-04.csv", _first_export())
    r1 = import_file(store, editor, first)
    assert r1.rows_imported == 90
    assert okrs.auto_checkins_after_import(store, editor, r1.import_id, today=TODAY) == []  # no OKRs yet

    oid = okrs.create_objective(store, editor, {"title": "Make Nomadly the home of long stays", "period": Q3,
                                                "owner": "Maya", "pillar": "growth"})
    kid = okrs.create_key_result(store, editor, {"objective_id": oid, "title": "Increase user retention in Q3",
                                                 "link": "kpi:retention", "baseline": 0.2, "target": 0.4},
                                 today=TODAY)
    [c0] = okrs.get_checkins(store, kid)
    expected_before = _independent_week4(pd.read_csv(first))
    assert expected_before == pytest.approx(0.25)
    assert c0.source == "link" and c0.value == pytest.approx(expected_before)
    assert c0.value == pytest.approx(metrics.compute_kpi(store, "retention", period=Q3).value)
    kr = okrs.list_okrs(store, Q3, dt.date(2026, 8, 16))[0].key_results[0]
    assert kr.kpi == "retention" and kr.unit == "fraction"
    assert kr.progress == pytest.approx(0.25)

    newer = _write(tmp_path / "events_2026-08-06.csv", _newer_export())
    r2 = import_file(store, editor, newer)  # the importer's hook adds the check-in
    hist = okrs.get_checkins(store, kid)
    assert [h.source for h in hist] == ["link", "import"]
    auto = hist[-1]
    both = pd.concat([pd.read_csv(first), pd.read_csv(newer)])
    assert auto.value == pytest.approx(_independent_week4(both)) and auto.value == pytest.approx(0.75)
    assert auto.import_id == r2.import_id and auto.import_file == "events_2026-08-06.csv"
    assert "events_2026-08-06.csv" in auto.comment
    assert auto.as_of == dt.date(2026, 9, 30)  # Q3 is over on the real today: the value describes its last day

    # Re-running the hook for the same import changes nothing: the value did not move.
    assert okrs.auto_checkins_after_import(store, editor, r2.import_id, today=TODAY) == []

    # Deleting the newer import takes its rows out of the KR too, with a check-in that says why.
    delete_import(store, editor, r2.import_id)
    back = okrs.get_checkins(store, kid)[-1]
    assert back.source == "import" and back.value == pytest.approx(expected_before)
    assert back.comment == "Recomputed after import events_2026-08-06.csv was deleted"
    assert back.value == pytest.approx(metrics.compute_kpi(store, "retention", period=Q3).value)
    r2 = import_file(store, editor, newer)  # and importing it again brings the 0.75 back
    assert okrs.get_checkins(store, kid)[-1].value == pytest.approx(0.75)

    # The PM sets confidence and reads the executive line.
    okrs.add_checkin(store, editor, kid, auto.value, confidence=8, comment="August cohorts are back", today=TODAY)
    [o] = okrs.list_okrs(store, Q3, dt.date(2026, 8, 16))
    k = o.key_results[0]
    assert k.progress == 1.0 and k.confidence == 8 and k.status == "on_track"
    assert okrs.okr_summary(store, Q3, dt.date(2026, 8, 16)).startswith("The key result is on track")


def test_event_count_kr_through_the_importer(store, editor, tmp_path):
    first = _write(tmp_path / "a.csv", _first_export())
    import_file(store, editor, first)
    oid = okrs.create_objective(store, editor, {"title": "Bookings", "period": Q3})
    kid = okrs.create_key_result(store, editor, {"objective_id": oid, "title": "Bookings over 7 days",
                                                 "link": "events:booking_completed:7d", "baseline": 10,
                                                 "target": 30}, today=dt.date(2026, 7, 12))
    # 7 days ending 12 Jul hold the 40 bookings of 7 Jul.
    assert okrs.get_checkins(store, kid)[0].value == 40
    r2 = import_file(store, editor, _write(tmp_path / "b.csv", _newer_export()))  # the hook adds the check-in
    created = okrs.get_checkins(store, kid)[1:]
    # 7 days ending 6 Aug (the last event day): only the 20 bookings of 6 Aug, counted in plain pandas.
    both = pd.concat([pd.read_csv(first), pd.read_csv(tmp_path / "b.csv")])
    ts = pd.to_datetime(both["event_time"])
    n = int(((both["event_type"] == "booking_completed") & (ts >= "2026-07-31") & (ts < "2026-08-07")).sum())
    assert n == 20
    assert [(c.source, c.import_id, c.value, c.as_of) for c in created] == [("import", r2.import_id, n, dt.date(2026, 8, 6))]
