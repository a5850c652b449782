"""What happens after an import commits or is deleted: key results linked to KPIs get their automatic check-ins."""
from __future__ import annotations

from .auth import Actor
from .store import Store


def after_import(store: Store, actor: Actor, import_id: str) -> list:
    """Run the post-import steps for import_id and return the check-ins they created (maybe none)."""
    from . import okrs

    return okrs.auto_checkins_after_import(store, actor, import_id)


def after_delete(store: Store, actor: Actor, import_id: str, file_name: str) -> list:
    """Re-compute linked key results once an import's rows are gone; returns the check-ins made (maybe none)."""
    from . import okrs

    return okrs.auto_checkins_after_import(store, actor, import_id, file_name=file_name,
                                           comment=f"Recomputed after import {file_name} was deleted")
