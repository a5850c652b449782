"""What an import assumes when the file does not say, stated in the preview: work type, outcome column, currency,
and survey 'no answer' markers.

Each decision adds a note in words (shown in the preview and kept in the import's details) so the
user can correct it there: pick another outcome column, set the currency, map a type column.
"""
from __future__ import annotations

from ..formats import Format, Match
from ..formats.base import norm
from ..formats.experiment import OUTCOMES
from ..store.ingest_exprs import raw_expr
from ..store.ingest_store import Plan
from .types import ImportRefused

# R, SPSS and spreadsheet markers for 'no answer': kept as an empty answer, never an error or a comment
NO_ANSWER = ("na", "n/a", "n.a.", "-", "–", "—", "#n/a", "null", "nan", "n/d", "k.a.", "s/o")
# a file with these columns is Levels.fyi's published data (or an export of it), whose figures are USD
LEVELS_FYI = (("totalyearlycompensation",), ("cityid", "dmaid"), ("yearsatcompany", "stockgrantvalue"))
CURRENCY_WORDS = {"usd", "eur", "gbp", "jpy", "inr", "cad", "aud", "chf", "sek", "nok", "dkk", "pln", "brl", "mxn",
                  "cny", "sgd", "hkd", "nzd", "zar", "czk", "huf", "ils", "krw", "try"}


def value_expr(fmt: Format, i: int) -> str:
    """Return SQL for column i's text; for surveys 'NA', 'N/A', '-' and the like read as no answer (NULL)."""
    r = raw_expr(i)
    if fmt.kind != "survey":
        return r
    words = ", ".join("'" + w.replace("'", "''") + "'" for w in NO_ANSWER)  # constants written above
    return f"CASE WHEN lower({r}) IN ({words}) THEN NULL ELSE {r} END"


def currency_code(value: str | None, name: str) -> str | None:
    """Return a currency given by the user as an upper-case ISO code ('usd' -> 'USD'); refuses anything else in words."""
    if value is None or not str(value).strip():
        return None
    code = str(value).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ImportRefused(f"{name}: currency '{value}' is not a three-letter code such as USD, EUR or GBP")
    return code


# the language a Jira export's header names are in, told by its key column
JIRA_LANGUAGES = {"clave_de_incidencia": "Spanish", "clave": "Spanish", "cle_de_ticket": "French", "cle": "French",
                  "vorgangsschlussel": "German", "schlussel": "German", "chave_do_item": "Portuguese",
                  "chave_da_item": "Portuguese", "chave": "Portuguese", "chiave_ticket": "Italian", "chiave": "Italian",
                  "課題キー": "Japanese", "キー": "Japanese", "sleutel": "Dutch", "issuesleutel": "Dutch",
                  "issue_key": "English", "work_item_key": "English", "key": "English"}


def apply(plan: Plan, match: Match, header: list[str], notes: list[str], currency: str | None, name: str) -> None:
    """Add the kind's assumptions to the plan and say each in notes (work type, outcome, currency)."""
    fmt = match.fmt
    if fmt.kind == "work_items" and fmt.source == "jira" and "key" in match.columns:
        lang = JIRA_LANGUAGES.get(norm(header[match.columns["key"][0]]))
        if lang:
            typed = f", work type from '{header[match.columns['type'][0]]}'" if "type" in match.columns else ""
            notes.append(f"Jira export with {lang} column names{typed}; dates read with {lang} month names"
                         if lang != "English" else f"Jira export with English column names{typed}")
    if fmt.kind == "work_items" and "type" not in match.columns:
        notes.append("warning: no work type column: bug rate cannot be computed (map a type column, e.g. "
                     "'Issue Type' or 'Work type', if the file has one)"
                     + ("; 'bug' labels still mark bugs" if "labels" in match.columns else ""))
    if fmt.kind == "experiment" and fmt.source == "exposures" and "converted" in match.columns:
        used = match.columns["converted"][0]
        others = [h for i, h in enumerate(header) if i != used and norm(h) in OUTCOMES]
        plan.consts["outcome_choices"] = [header[used], *others]  # the preview's outcome picker
        how = "you chose it" if match.how.get("converted") == "you chose" else "found by name"
        notes.append(f"outcome: '{header[used]}' counts as converted ({how})"
                     + (f"; other possible outcome columns: {', '.join(others)} (choose one as the column for "
                        "converted to analyse it instead)" if others else ""))
    if fmt.kind == "salaries":
        given = currency_code(currency, name)
        normed = {norm(h) for h in header}
        levels = any(all(c in normed for c in group) for group in LEVELS_FYI)
        if given:
            plan.consts["currency_default"] = given
            notes.append(f"currency {given} (chosen by you) for rows whose currency no column or symbol states")
        elif "currency" not in match.columns and levels:
            plan.consts["currency_default"] = "USD"
            notes.append("currency assumed USD: this is Levels.fyi data, whose figures are US dollars (set another "
                         "currency if this export is not)")
        elif "currency" not in match.columns:
            notes.append("warning: no currency column: rows without a currency symbol are left out of pay figures; "
                         "set the currency of this file to use them")
        if "currency" in match.columns:
            notes.append(f"currency from the column '{header[match.columns['currency'][0]]}'"
                         + (f"; {plan.consts['currency_default']} where it is empty" if "currency_default" in plan.consts
                            else ""))
