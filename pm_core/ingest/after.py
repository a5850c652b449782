"""What happens after an import commits or is deleted: key results linked to KPIs get their automatic check-ins.

`after_import` runs inline (CLI, tests) or on this process's worker thread (`after_import_in_background`,
the Data page), one at a time in commit order. okrs is imported at the top: every caller of the
importer (CLI import and imports --delete, the Data page) runs these steps, so deferring it saved nothing.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from .. import okrs
from ..auth import Actor, require_editor
from ..store import Store


def after_import(store: Store, actor: Actor, import_id: str) -> list:
    """Run the post-import steps for import_id and return the check-ins they created (maybe none)."""
    return okrs.auto_checkins_after_import(store, actor, import_id)


def after_delete(store: Store, actor: Actor, import_id: str, file_name: str) -> list:
    """Re-compute linked key results once an import's rows are gone; returns the check-ins made (maybe none)."""
    return okrs.auto_checkins_after_import(store, actor, import_id, file_name=file_name,
                                           comment=f"Recomputed after import {file_name} was deleted")


_log = logging.getLogger(__name__)
_hook_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pillars-after-import")
_hook_futures: dict[str, Future] = {}
_hook_lock = threading.Lock()
_HOOK_FUTURES_KEPT = 64


def after_import_in_background(store: Store, actor: Actor, import_id: str) -> Future:
    """Start after_import for a committed import on a worker thread of this process; returns its Future.

    The Future's result is the list of check-ins made; an error is kept on it (and logged) for the
    caller to show. Calling it again for the same import returns the first Future (runs once).
    Hooks run one at a time, in the order their imports committed.
    """
    require_editor(actor)
    with _hook_lock:
        fut = _hook_futures.get(import_id)
        if fut is not None:
            return fut

        def run() -> list:
            try:
                return after_import(store, actor, import_id)
            except Exception:
                _log.exception("after_import failed for %s", import_id)
                raise

        fut = _hook_pool.submit(run)
        _hook_futures[import_id] = fut
        if len(_hook_futures) > _HOOK_FUTURES_KEPT:  # forget the oldest finished ones
            for k in [k for k, f in _hook_futures.items() if f.done()][: len(_hook_futures) - _HOOK_FUTURES_KEPT]:
                del _hook_futures[k]
        return fut


def after_import_future(import_id: str) -> Future | None:
    """Return the Future started by after_import_in_background for import_id (None if none was started here)."""
    with _hook_lock:
        return _hook_futures.get(import_id)


