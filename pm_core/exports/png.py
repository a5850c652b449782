"""PNG (and SVG) images of charts through vl-convert, from the same Vega-Lite specs the page shows."""
from __future__ import annotations

import json
from typing import Any

import vl_convert as vlc


def _spec(chart: Any) -> dict:
    return chart if isinstance(chart, dict) else chart.to_dict()


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """Return a PNG of an Altair chart or a Vega-Lite spec dict; scale 2 gives sharp images on slides."""
    return vlc.vegalite_to_png(_spec(chart), scale=scale)


class PngRenderer:
    """Render charts to PNG, remembering each spec for the life of one export (not across exports).

    vl-convert takes ~0.1-0.3 s per chart, so a deck that shows the same chart twice renders it once.
    """

    def __init__(self, scale: float = 2.0):
        self.scale = scale
        self._memo: dict[str, bytes] = {}
        self.renders = 0

    def __call__(self, chart: Any) -> bytes:
        spec = _spec(chart)
        key = json.dumps(spec, sort_keys=True, default=str)
        if key not in self._memo:
            self._memo[key] = chart_png(spec, self.scale)
            self.renders += 1
        return self._memo[key]


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) in pixels read from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
