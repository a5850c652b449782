"""Results memoised on the store (growth, KPI series) follow every write and cannot be edited by callers."""
from __future__ import annotations

import datetime as dt

from pm_core import growth, metrics
from tests.factories.events import put_events

ROWS = [
    ("a", "search", "2026-03-02 10:00:00"), ("a", "booking_completed", "2026-03-03 10:00:00"),
    ("b", "search", "2026-03-04 10:00:00"), ("a", "search", "2026-03-10 09:00:00"),
    ("c", "search", "2026-04-01 08:00:00"), ("c", "booking_completed", "2026-04-20 08:00:00"),
]
LATER = [("d", "search", "2026-04-02 08:00:00"), ("d", "booking_completed", "2026-04-03 08:00:00"),
         ("b", "listing_view", "2026-03-11 10:00:00")]


def _snapshot(store):
    ret = growth.retention_table(store, "week")
    fun = growth.funnel(store, ["search", "booking_completed"], 30)
    return {
        "retention": ret.weighted[1],
        "sizes": [c.size for c in ret.cohorts],
        "funnel": [s.users for s in fun.steps],
        "monthly": growth.funnel_monthly(store, ["search", "booking_completed"], 30),
        "mau": list(growth.active_users_series(store, "month")["active_users"]),
        "stickiness": list(growth.stickiness_series(store)["stickiness"]),
        "conversion": list(metrics.kpi_series(store, "conversion_rate")["value"]),
        "series_mau": list(metrics.kpi_series(store, "mau")["value"]),
    }


def test_memos_follow_a_write(store):
    put_events(store, ROWS)
    before = _snapshot(store)
    assert before["funnel"] == [3, 2]
    assert before["monthly"] == {dt.date(2026, 3, 1): [2, 1], dt.date(2026, 4, 1): [1, 1]}
    assert _snapshot(store) == before  # memo hit: same answers
    put_events(store, LATER, import_id="imp2")
    after = _snapshot(store)
    assert after["funnel"] == [4, 3]
    assert after["mau"] == [2, 2]  # March a, b; April c, d
    assert after["series_mau"] == [2.0, 2.0]
    assert after["conversion"] == [0.5, 1.0]
    # week 1: cohort of 2 Mar (a, b) now keeps both, cohort of 30 Mar (c, d) keeps nobody
    assert before["retention"] == 1 / 3 and after["retention"] == 2 / 4
    # a fresh store object on the same file (no memo) agrees with the memoised answers
    from pm_core.store import open_store

    fresh = open_store(store.path)
    try:
        assert _snapshot(fresh) == after
    finally:
        fresh.close()


def test_callers_cannot_edit_the_memo(store):
    put_events(store, ROWS)
    ret = growth.retention_table(store, "week")
    ret.cohorts[0].retained[1] = 999
    ret.weighted[1] = 0.0
    again = growth.retention_table(store, "week")
    assert again.cohorts[0].retained[1] != 999 and again.weighted[1] != 0.0
    s = metrics.kpi_series(store, "mau")
    s["value"] = -1
    assert (metrics.kpi_series(store, "mau")["value"] >= 0).all()
    m = growth.funnel_monthly(store, ["search", "booking_completed"], 30)
    next(iter(m.values()))[0] = 999
    assert 999 not in next(iter(growth.funnel_monthly(store, ["search", "booking_completed"], 30).values()))


# -- per-area data versions (issue 17): the oracle is which areas' counters a write moves, and how many
# times a computation runs (counted by wrapping the function that does the work).
import threading  # noqa: E402

import pytest  # noqa: E402

from pm_core import audiences, career, ingest, okrs  # noqa: E402
from pm_core.store import areas  # noqa: E402
from tests.conftest import EDITOR  # noqa: E402


def _versions(store) -> dict[str, int]:
    return dict(zip(areas.AREAS, store.data_versions()))


def _a_key_result(store) -> str:
    return next(k.id for o in okrs.list_okrs(store, okrs.default_period(store)) for k in o.key_results)


@pytest.fixture
def counted_kpis(monkeypatch):
    calls = []
    real = metrics.service._compute

    def counting(ctx, key):
        calls.append(key)
        return real(ctx, key)
    monkeypatch.setattr(metrics.service, "_compute", counting)
    return calls


def test_a_check_in_bumps_okrs_only(demo_store):
    before, anything = _versions(demo_store), demo_store.data_version()
    okrs.add_checkin(demo_store, EDITOR, _a_key_result(demo_store), 0.5, 6, "half way")
    after = _versions(demo_store)
    assert {a for a in areas.AREAS if after[a] != before[a]} == {"okrs"}
    assert after["okrs"] == before["okrs"] + 1
    assert demo_store.data_version() == anything + 1  # 'anything changed' still counts every write


def test_kpis_are_reused_after_a_check_in(demo_store, counted_kpis):
    first = metrics.compute_kpis(demo_store, "all")
    computed = len(counted_kpis)
    assert computed == sum(len(v) for v in first.values())
    okrs.add_checkin(demo_store, EDITOR, _a_key_result(demo_store), 0.5, 6, "half way")
    assert metrics.compute_kpis(demo_store, "all") == first
    # a briefing built after the check-in (it reads OKRs, so it is rebuilt) takes the KPIs from the memo
    audiences.build_briefing(demo_store, "executives", "all")
    assert len(counted_kpis) == computed
    # callers get copies: editing one does not edit the memo
    first["growth"]["mau"].value = -1.0
    assert metrics.compute_kpis(demo_store, "all")["growth"]["mau"].value != -1.0


def test_an_events_import_invalidates_kpis_but_not_career(demo_store, counted_kpis, tmp_path):
    career_runs = []
    probe = lambda: demo_store.memo("career probe", lambda: career_runs.append(1) or len(career_runs),  # noqa: E731
                                    areas.reads(career.salary_overview))
    probe()
    metrics.compute_kpis(demo_store, "all")
    computed = len(counted_kpis)
    before = _versions(demo_store)
    f = tmp_path / "ev.csv"
    f.write_text("user_id,event,timestamp\nnew1,search,2026-06-01 10:00\nnew2,search,2026-06-02 11:00\n")
    ingest.import_file(demo_store, EDITOR, f)
    after = _versions(demo_store)
    assert {a for a in areas.AREAS if after[a] != before[a]} == {"events", "imports"}
    metrics.compute_kpis(demo_store, "all")
    assert len(counted_kpis) >= 2 * computed  # recomputed from the new events (linked key results add a few)
    probe()
    assert career_runs == [1]  # the career page's results stay cached


def test_memo_computes_once_for_concurrent_callers(store):
    runs, start = [], threading.Barrier(8)
    got = []

    def slow():
        runs.append(1)
        threading.Event().wait(0.2)  # long enough for every other thread to ask meanwhile
        return object()

    def ask():
        start.wait()
        got.append(store.memo("shared", slow, ("events",)))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runs) == 1 and len(got) == 8 and all(g is got[0] for g in got)
    with store.transaction("okrs"):
        pass
    assert store.memo("shared", slow, ("events",)) is got[0]  # another area's write: still remembered
    with store.transaction("events"):
        pass
    assert store.memo("shared", slow, ("events",)) is not got[0] and len(runs) == 2


def test_memo_does_not_remember_a_failure(store):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first call fails")
        return 7
    with pytest.raises(RuntimeError):
        store.memo("flaky", flaky)
    assert store.memo("flaky", flaky) == 7 and store.memo("flaky", flaky) == 7 and len(calls) == 2


def test_unknown_area_is_refused_before_writing(store):
    with pytest.raises(ValueError, match="unknown data area"):
        with store.transaction("okr"):
            raise AssertionError("the block must not run")
    assert store.data_version() == 0


def test_every_write_names_its_areas():
    from pathlib import Path

    root = Path(metrics.__file__).parent.parent  # pm_core (metrics is a package now)
    untagged = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py")
                for i, line in enumerate(p.read_text().splitlines(), 1)
                if "store.transaction()" in line and not line.lstrip().startswith(("#", '"', "`"))
                and "`store.transaction()`" not in line]
    assert untagged == []


def test_a_schema_2_file_gains_per_area_versions(tmp_path):
    import duckdb

    from pm_core.store import open_store, schema

    path = tmp_path / "v2.duckdb"
    s = open_store(path)
    put_events(s, ROWS)
    s.close()
    con = duckdb.connect(str(path))  # rebuild the file as Pillars with schema 2 left it
    con.execute("DROP TABLE data_versions")
    con.execute("DELETE FROM schema_version WHERE version > 2")
    con.close()
    s = open_store(path)
    try:
        assert s.schema_version() == schema.SCHEMA_VERSION
        assert s.data_version() == 1  # the write made before the upgrade still counts
        assert _versions(s) == {a: 0 for a in areas.AREAS}
        assert growth.funnel(s, ["search", "booking_completed"], 30).steps[0].users == 3
        with s.transaction("roadmap"):
            pass
        assert _versions(s)["roadmap"] == 1 and s.data_version() == 2
    finally:
        s.close()


def test_an_area_declared_later_gets_its_version_on_first_write(store, monkeypatch):
    monkeypatch.setitem(areas.AREA_TABLES, "later", ("later_table",))
    monkeypatch.setattr(areas, "AREAS", tuple(sorted(areas.AREA_TABLES)))
    assert store.data_versions(("later",)) == (0,)  # no row yet: version 0
    ran = []
    store.memo("later probe", lambda: ran.append(1), ("later",))
    with store.transaction("later"):
        pass
    assert store.data_versions(("later",)) == (1,)
    store.memo("later probe", lambda: ran.append(1), ("later",))
    assert len(ran) == 2  # the write to the new area was seen
