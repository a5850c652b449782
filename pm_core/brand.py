"""The workspace's brand on everything that leaves Pillars: company name, accent colour and logo.

The company name and accent colour are workspace settings (declared in pm_core.settings, group
"Brand"); the logo is an image, so it is kept here: validated (PNG, JPEG or GIF that Pillow can
decode, at most 1 MB and 4000 px a side), re-encoded as PNG (which drops anything but the pixels:
metadata, scripts in SVG-like payloads cannot pass) and stored in the workspace's settings table
under one key. The deck, the HTML briefing and the printed presentation read `get_brand`.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from . import audit
from .auth import Actor, require_editor
from .errors import InputError
from .settings import get_settings
from .store import Store
from .store import settings_store

LOGO_KEY = "brand_logo"
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_STORED_SIDE = 800        # stored at most this wide/high: slides and pages never show it larger
LOGO_FORMATS = ("PNG", "JPEG", "GIF")
DEFAULT_ACCENT = "#1565C0"


class BrandError(InputError):
    """A logo Pillars refuses (not an image, too large, unknown format); the message names the file."""


@dataclass(frozen=True)
class Brand:
    """What a deck, HTML briefing or printed page is branded with (empty company and no logo by default)."""

    company: str = ""
    accent: str = DEFAULT_ACCENT
    logo_png: bytes | None = None

    @property
    def accent_rgb(self) -> tuple[int, int, int]:
        """Return the accent colour as (r, g, b) 0-255."""
        h = self.accent.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)

    @property
    def logo_size(self) -> tuple[int, int] | None:
        """Return the logo's (width, height) in pixels, None without a logo."""
        if not self.logo_png:
            return None
        return int.from_bytes(self.logo_png[16:20], "big"), int.from_bytes(self.logo_png[20:24], "big")


def get_brand(store: Store) -> Brand:
    """Return the workspace's brand; a stored logo that no longer decodes is left out (never breaks an export)."""
    s = get_settings(store)
    raw = settings_store.read_one(store, LOGO_KEY)
    logo = None
    if isinstance(raw, dict) and isinstance(raw.get("png"), str):
        try:
            logo = base64.b64decode(raw["png"], validate=True)
        except ValueError:
            logo = None
        if logo is not None and logo[:8] != b"\x89PNG\r\n\x1a\n":
            logo = None
    return Brand(company=s.get("brand_company") or "", accent=s.get("brand_accent") or DEFAULT_ACCENT, logo_png=logo)


def clean_logo(data: bytes, file_name: str = "logo") -> bytes:
    """Return the logo re-encoded as PNG (at most 800 px a side); BrandError naming the file when it is not a usable image."""
    from PIL import Image, UnidentifiedImageError  # Pillow comes with python-pptx; imported only when a logo is saved

    if not data:
        raise BrandError(f"{file_name}: the file is empty; choose a PNG or JPEG image")
    if len(data) > LOGO_MAX_BYTES:
        raise BrandError(f"{file_name}: {len(data) / 1e6:.1f} MB is over the 1 MB a logo may have; use a smaller image")
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format not in LOGO_FORMATS:
                raise BrandError(f"{file_name}: a {im.format} image; use PNG, JPEG or GIF")
            if max(im.size) > LOGO_MAX_SIDE:
                raise BrandError(f"{file_name}: {im.size[0]}×{im.size[1]} px is larger than {LOGO_MAX_SIDE} px a side")
            im.load()
            im = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise BrandError(f"{file_name}: not an image Pillars can read; use a PNG or JPEG file") from None
    im.thumbnail((LOGO_STORED_SIDE, LOGO_STORED_SIDE))
    out = io.BytesIO()
    im.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_logo(store: Store, actor: Actor, data: bytes, file_name: str = "logo") -> Brand:
    """Validate and store the workspace logo (editors only; audited); return the new brand."""
    require_editor(actor)
    png = clean_logo(data, file_name)
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    entry = audit.entry(actor, "change", "setting", LOGO_KEY, "brand logo",
                        f"brand logo: {file_name} ({w}×{h} px, {len(png) / 1024:.0f} KB as PNG)")
    settings_store.write_one(store, LOGO_KEY, {"png": base64.b64encode(png).decode("ascii"), "file": file_name}, entry)
    return get_brand(store)


def remove_logo(store: Store, actor: Actor) -> Brand:
    """Remove the workspace logo (editors only; audited); return the new brand."""
    require_editor(actor)
    entry = audit.entry(actor, "reset", "setting", LOGO_KEY, "brand logo", "brand logo removed")
    settings_store.write_one(store, LOGO_KEY, None, entry)
    return get_brand(store)
