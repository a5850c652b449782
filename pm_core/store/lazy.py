"""`pd` and `np`: pandas and numpy, imported on first use. Opening a workspace imports every store module (for its DDL);
importing pandas with them cost 0.28 s of every CLI command, including `info`, which never builds a
DataFrame (bench/bench_cli.py)."""
from __future__ import annotations

import importlib
from typing import Any


class _Lazy:
    """A module stand-in that imports the real module the first time an attribute is read."""

    def __init__(self, name: str):
        self._name = name
        self._module = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


pd: Any = _Lazy("pandas")
np: Any = _Lazy("numpy")
