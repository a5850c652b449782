"""Feedback themes: the workspace's named keyword lists that sort survey comments, with generic defaults.

A comment counts for a theme when it contains one of the theme's keywords as a whole word,
case-insensitively; one comment can count for several themes, and a comment that matches none is
counted as such (a view says "90% of comments match no theme" rather than leading with a theme that
fits nobody's product). A workspace starts on DEFAULT_THEMES; editors replace them on the Stakeholder
views page; the demo loads its own themes from sample_data/feedback_themes.json.
"""
from __future__ import annotations

import re

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import audit
from ..auth import Actor, require_editor
from ..errors import from_pydantic
from ..store import Store
from ..store import audiences_store as q
from ..text import clean_lines, clean_text
from .definitions import AudienceError

# Generic themes any product's survey comments fall into, with keywords in English and the common
# words in Spanish, Portuguese, French and German (so an export in those languages is not all "no theme").
DEFAULT_THEMES: dict[str, list[str]] = {
    "Pricing": ["price", "prices", "pricing", "expensive", "cheap", "cost", "costs", "fee", "fees", "discount",
                "subscription", "billing", "precio", "caro", "preço", "prix", "cher", "preis", "teuer"],
    "Performance & speed": ["slow", "fast", "speed", "lag", "laggy", "loading", "performance", "timeout", "hangs",
                            "lento", "lenta", "rápido", "lent", "rapide", "langsam", "schnell"],
    "Bugs & errors": ["bug", "bugs", "crash", "crashes", "crashed", "error", "errors", "broken", "freeze", "freezes",
                      "glitch", "fails", "failed", "erro", "fallo", "falla", "erreur", "fehler"],
    "Usability & UX": ["confusing", "intuitive", "easy", "hard", "difficult", "ui", "ux", "design", "navigation",
                       "usability", "clunky", "fácil", "difícil", "facile", "einfach", "kompliziert"],
    "Support": ["support", "help", "helpful", "response", "agent", "ticket", "service", "refund", "soporte",
                "ayuda", "suporte", "ajuda", "aide", "hilfe"],
    "Feature requests": ["feature", "features", "wish", "missing", "integration", "request", "option", "función",
                         "funcionalidad", "funcionalidade", "fonctionnalité", "funktion"],
}
MAX_THEMES = 30
MAX_KEYWORDS = 60


class FeedbackTheme(BaseModel):
    """One theme: a name and the keywords that put a comment in it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    name: str
    keywords: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return clean_text(v, "theme name", max_len=60, required=True, empty="give the theme a name")

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords(cls, v):
        if isinstance(v, str):  # a form's text: commas or new lines separate keywords
            v = re.split(r"[,\n]", v)
        words = clean_lines(v, "keyword", max_len=60, max_items=MAX_KEYWORDS)
        if not words:
            raise ValueError("give the theme at least one keyword")
        return list(dict.fromkeys(w.lower() for w in words))


class FeedbackThemes(BaseModel):
    """The workspace's themes, in order: names unique (case-insensitive), at least one theme."""

    model_config = ConfigDict(extra="forbid")
    themes: list[FeedbackTheme]

    @model_validator(mode="after")
    def _unique(self) -> "FeedbackThemes":
        if not self.themes:
            raise ValueError("keep at least one theme (reset to go back to the defaults)")
        if len(self.themes) > MAX_THEMES:
            raise ValueError(f"keep to {MAX_THEMES} themes (got {len(self.themes)})")
        seen: set[str] = set()
        for t in self.themes:
            if t.name.lower() in seen:
                raise ValueError(f"two themes are called {t.name!r}; give each a different name")
            seen.add(t.name.lower())
        return self


def _as_dict(themes: FeedbackThemes) -> dict[str, list[str]]:
    return {t.name: list(t.keywords) for t in themes.themes}


def parse_themes(data: dict[str, list[str]] | list[dict] | FeedbackThemes) -> dict[str, list[str]]:
    """Return validated themes as {name: keywords}; AudienceError naming the field when unusable (nothing stored)."""
    if isinstance(data, FeedbackThemes):
        return _as_dict(data)
    rows = [{"name": k, "keywords": v} for k, v in data.items()] if isinstance(data, dict) else list(data or [])
    try:
        return _as_dict(FeedbackThemes.model_validate({"themes": rows}))
    except ValidationError as exc:
        raise from_pydantic(exc, AudienceError, prefix="feedback themes: ") from None


def list_themes(store: Store) -> dict[str, list[str]]:
    """Return the workspace's feedback themes {name: keywords} in order; DEFAULT_THEMES when an editor saved none."""
    stored = q.read_feedback_themes(store)
    return stored if stored else {k: list(v) for k, v in DEFAULT_THEMES.items()}


def themes_customised(store: Store) -> bool:
    """Return True when the workspace has its own themes (False: the generic defaults apply)."""
    return bool(q.read_feedback_themes(store))


def _summary(themes: dict[str, list[str]]) -> dict[str, str]:
    return {name: ", ".join(words) for name, words in themes.items()}


def save_themes(store: Store, actor: Actor, data: dict[str, list[str]] | list[dict]) -> dict[str, list[str]]:
    """Validate and store the workspace's feedback themes, replacing all of them (editors only); returns them."""
    require_editor(actor)
    new = parse_themes(data)
    old = list_themes(store)
    summary = audit.table_changes([{"name": k, "keywords": v} for k, v in _summary(old).items()],
                                  [{"name": k, "keywords": v} for k, v in _summary(new).items()],
                                  key=lambda r: r["name"], fields=["keywords"])
    q.write_feedback_themes(store, list(new.items()), actor.email,
                            audit=audit.entry(actor, "save", "feedback_themes", "feedback_themes",
                                              "Feedback themes", summary))
    return new


def reset_themes(store: Store, actor: Actor) -> dict[str, list[str]]:
    """Drop the workspace's themes so the generic defaults apply again (editors only); returns the defaults."""
    require_editor(actor)
    old = list_themes(store)
    q.delete_feedback_themes(store, audit=audit.entry(
        actor, "reset", "feedback_themes", "feedback_themes", "Feedback themes",
        audit.table_changes([{"name": k, "keywords": v} for k, v in _summary(old).items()],
                            [{"name": k, "keywords": v} for k, v in _summary(DEFAULT_THEMES).items()],
                            key=lambda r: r["name"], fields=["keywords"])))
    return {k: list(v) for k, v in DEFAULT_THEMES.items()}


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)


def _texts(comments: list) -> list[str]:
    return [str(c) for c in comments if c is not None and str(c).strip()]


def feedback_themes(comments: list[str], themes: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Return theme, comments (count), share and an example comment per theme, most mentioned first; themes with none are dropped.

    A comment counts for a theme when it contains one of the theme's words as a whole word,
    case-insensitively; one comment can count for several themes; share is over all comments given.
    `themes` defaults to the generic DEFAULT_THEMES (a view passes the workspace's, `list_themes`).
    """
    themes = themes or DEFAULT_THEMES
    cols = ["theme", "comments", "share", "example"]
    texts = _texts(comments)
    if not texts:
        return pd.DataFrame(columns=cols)
    rows = []
    for theme, words in themes.items():
        pat = _pattern(words)
        hits = [t for t in texts if pat.search(t)]
        if hits:
            rows.append({"theme": theme, "comments": len(hits), "share": len(hits) / len(texts), "example": hits[0]})
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["comments", "theme"], ascending=[False, True]).reset_index(drop=True)


def unmatched_comments(comments: list[str], themes: dict[str, list[str]] | None = None) -> tuple[int, int]:
    """Return (comments matching no theme, comments counted): blank comments are not counted."""
    texts = _texts(comments)
    if not texts:
        return 0, 0
    pats = [_pattern(w) for w in (themes or DEFAULT_THEMES).values()]
    return sum(1 for t in texts if not any(p.search(t) for p in pats)), len(texts)


def unmatched_text(unmatched: int, total: int) -> str:
    """Return '1,460 of 1,622 comments (90%) match no theme' ('' when every comment matches one)."""
    if not total or not unmatched:
        return ""
    if unmatched == total:
        return f"none of the {total:,} comments matches a theme"
    return f"{unmatched:,} of {total:,} comments ({unmatched / total:.0%}) match no theme"


def themes_text(themes: dict[str, list[str]]) -> str:
    """Return themes as the form's text: one line per theme, 'Name: keyword, keyword, ...'."""
    return "\n".join(f"{name}: {', '.join(words)}" for name, words in themes.items())


def themes_from_text(text: str) -> list[dict]:
    """Return [{'name', 'keywords'}] from the form's text ('Name: keyword, keyword' per line); AudienceError names the line."""
    rows = []
    for i, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, words = line.partition(":")
        if not sep:
            raise AudienceError({"themes": f"line {i}: write it as 'Name: keyword, keyword' (a colon after the name)"})
        rows.append({"name": name, "keywords": words})
    return rows
