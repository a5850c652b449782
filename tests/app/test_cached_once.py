"""Sessions asking for the same cached result at once compute it once (issue 17); the oracle is a call counter.

pillars_ui.cached relies on st.cache_data holding a lock per key while it computes (Streamlit 1.67,
runtime/caching/cache_utils.py _handle_cache_miss): this pins that behaviour, so an upgrade that
drops it fails here instead of making every viewer recompute after a write.
"""
from __future__ import annotations

import threading

import streamlit as st


def test_concurrent_callers_of_one_key_compute_once():
    runs = []

    @st.cache_data(show_spinner=False)
    def slow(key: str, _n: int) -> list:
        runs.append(key)
        threading.Event().wait(0.3)  # long enough for every other thread to ask meanwhile
        return [key]

    start, got = threading.Barrier(8), []

    def ask(key):
        start.wait()
        got.append(slow(key, 1))
    threads = [threading.Thread(target=ask, args=("same" if i < 6 else f"other{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(runs) == ["other6", "other7", "same"]  # six callers of "same", one computation
    assert sorted(map(tuple, got)) == [("other6",), ("other7",)] + [("same",)] * 6
    slow.clear()


def test_overview_keeps_its_kpis_after_a_check_in_and_recomputes_them_after_new_events(run_page, demo_db_path, monkeypatch):
    from pm_core import metrics, okrs
    from pm_core.auth import CLI_ACTOR
    from pm_core.store import open_store

    calls = []
    real = metrics.service._compute
    monkeypatch.setattr(metrics.service, "_compute", lambda ctx, key: calls.append(key) or real(ctx, key))
    at = run_page("app_pages/overview.py", "viewer", demo_db_path)
    assert not at.exception and calls
    first = len(calls)
    writer = open_store(demo_db_path)  # a write through another Store object: the next run reads the versions again
    try:
        kr = next(k.id for o in okrs.list_okrs(writer, okrs.default_period(writer)) for k in o.key_results)
        okrs.add_checkin(writer, CLI_ACTOR, kr, 0.5, 6, "half way")
        at.run()
        assert not at.exception and len(calls) == first  # the check-in left the KPIs cached
        with writer.transaction("events"):
            pass
        at.run()
        assert not at.exception and len(calls) >= 2 * first  # what KPIs read changed: computed again
    finally:
        writer.close()
