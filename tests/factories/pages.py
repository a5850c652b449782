"""The pages in the app's navigation (app.py PAGES), read from its source so the page tests follow it."""
from __future__ import annotations
from pathlib import Path
from tests.conftest import ROOT


def nav_pages(editors_only: bool | None = None) -> list[tuple[str, str]]:
    """Return (file stem, title) of each page in app.py PAGES (only editors-only or only shared ones when asked)."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            rows = ast.literal_eval(node.value)
            return [(Path(path).stem, title) for _, path, title, _, only in rows
                    if (ROOT / path).exists() and (editors_only is None or only == editors_only)]
    raise AssertionError("PAGES not found in app.py")
