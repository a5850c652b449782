"""AppTest helpers shared by the page tests: read the store after a save, find and click widgets, open the OKRs page at a period."""
from __future__ import annotations
from pm_core.store import open_store


OKRS = "app_pages/okrs.py"


def _read(db, fn, *args, **kwargs):
    """Call fn(store, *args, **kwargs) on a fresh connection to the workspace file, then close it."""
    s = open_store(db)
    try:
        return fn(s, *args, **kwargs)
    finally:
        s.close()


def _prepared(db, fn, *args, **kwargs):
    """Return the workspace file `db` after fn(store, *args, **kwargs) ran on a fresh connection (a builder step, closed after)."""
    _read(db, fn, *args, **kwargs)
    return db


def _ok(at):
    assert not at.exception, [e.value for e in at.exception][:1]
    assert not at.error, [e.value for e in at.error]


def _confirmed(at, expected: str) -> None:
    """The save is confirmed on the run after it, in a success box and a toast, with the user text escaped."""
    successes = [s.value for s in at.success]
    toasts = [t.value for t in at.toast]
    assert any(expected in s for s in successes), (expected, successes)
    assert any(expected in t for t in toasts), (expected, toasts)


def _with_period(at, **query):
    """Apply URL parameters after the first render (the Overview, which runs first, rewrites 'period')."""
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _okrs_page(run_page, db):
    return _with_period(run_page(OKRS, "editor", db), period="2026-Q4")


def _widget(block, kind: str, label: str):
    [w] = [w for w in getattr(block, kind) if w.label == label]
    return w


def _click(at, block, label: str):
    """Click the one button with this label inside a form or container, and run the page."""
    _widget(block, "button", label).click()
    return at.run()
