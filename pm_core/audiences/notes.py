"""What the team writes beside the data: battle card text and debrief notes, one document per initiative."""
from __future__ import annotations


from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import audit
from ..auth import Actor, require_editor
from ..errors import from_pydantic
from ..text import clean_lines, clean_text
from ..store import Store
from ..store import audiences_store as q
from . import neighbours as nb
from .definitions import AudienceError
from .neighbours import _g


class Objection(BaseModel):
    """One objection a buyer raises and the answer to give."""

    model_config = ConfigDict(str_strip_whitespace=True)
    objection: str = Field(min_length=1, max_length=400)
    answer: str = Field(min_length=1, max_length=1000)

    @field_validator("objection", "answer")
    @classmethod
    def _text(cls, v: str, info) -> str:
        return clean_text(v, info.field_name, max_len=400 if info.field_name == "objection" else 1000, required=True)


class BattleCardIn(BaseModel):
    """What an editor writes on a battle card; proof points from data are added when it is shown."""

    model_config = ConfigDict(str_strip_whitespace=True)
    value_proposition: str = Field(default="", max_length=600)
    for_whom: str = Field(default="", max_length=400)
    differentiation: str = Field(default="", max_length=600)
    proof_notes: list[str] = Field(default_factory=list)
    objections: list[Objection] = Field(default_factory=list)
    experiment: str | None = None    # name of the A/B test whose result is a proof point

    @field_validator("value_proposition", "for_whom", "differentiation")
    @classmethod
    def _text(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=400 if info.field_name == "for_whom" else 600)

    @field_validator("proof_notes")
    @classmethod
    def _notes(cls, v: list[str]) -> list[str]:
        return clean_lines(v, "proof point", max_len=600)

    @field_validator("experiment", mode="before")
    @classmethod
    def _blank(cls, v):
        return None if isinstance(v, str) and not v.strip() else v


class DebriefNotesIn(BaseModel):
    """What the team writes on a debrief (the numbers come from the data)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)

    @field_validator("went_well", "to_improve")
    @classmethod
    def _lines(cls, v: list[str], info) -> list[str]:
        return clean_lines(v, info.field_name.replace("_", " ") + " note", max_len=1000)


def _stored(model, docs: dict, initiative_id: str):
    doc = docs.get(initiative_id)
    return None if doc is None else model.model_validate({k: v for k, v in doc.items() if not k.startswith("_")})


def _save_initiative_doc(store: Store, actor: Actor, initiative_id: str, data, model, what: str, writer, reader,
                         object_type: str):
    """Validate data as `model` and store it for an existing initiative (editors only), all or nothing, with its audit row."""
    require_editor(actor)
    titles = {i.id: i.title for i in nb.initiatives(store)}
    if initiative_id not in titles:
        raise AudienceError(f"{what}: no initiative with id {initiative_id!r}")
    try:
        doc = data if isinstance(data, model) else model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc, AudienceError, prefix=f"{what}: ") from None
    old = _stored(model, reader(store), initiative_id)
    new = doc.model_dump()
    summary = audit.changes(old.model_dump(), new) if old is not None else "written: " + (audit.filled(new) or "empty")
    writer(store, initiative_id, new, actor.email,
           audit=audit.entry(actor, "save", object_type, initiative_id, titles[initiative_id], summary))
    return doc


def get_battle_card(store: Store, initiative_id: str) -> BattleCardIn | None:
    """Return the stored battle card text of an initiative, or None when nobody wrote one."""
    return _stored(BattleCardIn, q.read_battle_cards(store), initiative_id)


def save_battle_card(store: Store, actor: Actor, initiative_id: str, data: dict | BattleCardIn) -> BattleCardIn:
    """Validate and store an initiative's battle card (editors only); unknown initiative ids are refused."""
    return _save_initiative_doc(store, actor, initiative_id, data, BattleCardIn, "battle card", q.write_battle_card,
                                q.read_battle_cards, "battle_card")


def get_debrief_notes(store: Store, initiative_id: str) -> DebriefNotesIn | None:
    """Return the stored debrief notes of an initiative, or None when nobody wrote any."""
    return _stored(DebriefNotesIn, q.read_debrief_notes(store), initiative_id)


def save_debrief_notes(store: Store, actor: Actor, initiative_id: str, data: dict | DebriefNotesIn) -> DebriefNotesIn:
    """Validate and store an initiative's debrief notes (editors only); unknown initiative ids are refused."""
    return _save_initiative_doc(store, actor, initiative_id, data, DebriefNotesIn, "debrief notes", q.write_debrief_notes,
                                q.read_debrief_notes, "debrief_notes")


BATTLE_CARD_STATUSES = ("planned", "in_progress", "launched", "measured")


DEBRIEF_STATUSES = ("launched", "measured")


def battle_card_candidates(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of initiatives that get a battle card: launched, measured, in progress or planned."""
    return [(i.id, i.title) for i in nb.initiatives(store) if _g(i, "status") in BATTLE_CARD_STATUSES]


def debrief_candidates(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of launched or measured initiatives (the ones a debrief is written for)."""
    return [(i.id, i.title) for i in nb.initiatives(store) if _g(i, "status") in DEBRIEF_STATUSES]
