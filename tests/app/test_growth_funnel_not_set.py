"""AppTest of Growth's funnel tab on a workspace whose funnel events are not set (issue 13): it says where to set them."""
from __future__ import annotations

from pm_core.store import open_store
from tests.factories.events import put_events


def test_funnel_tab_says_where_to_set_the_funnel_events(run_page, tmp_path):
    path = tmp_path / "own.duckdb"
    s = open_store(path)
    put_events(s, [(f"u{i}", ev, f"2026-03-0{i + 1} 10:0{k}:00") for i in range(4)
                   for k, ev in enumerate(["$pageview", "signup"])], story_settings=False)
    s.close()
    at = run_page("app_pages/growth.py", "editor", path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="growth_funnel_steps").value == []  # no demo events picked by default
    infos = " ".join(i.value.replace("\\", "") for i in at.info)
    assert ("The conversion rate KPI's funnel is not set: choose the funnel's start event and the funnel's goal event "
            "in Settings → Funnel.") in infos
