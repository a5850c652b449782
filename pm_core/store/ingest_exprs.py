"""SQL expressions that parse one text value of an imported file (numbers, yes/no, dates and times).

Every expression is built from constants written here; the value is a column of our own staging table
(c0, c1, ...), so nothing from the file or the user is ever spliced into the SQL text.
"""
from __future__ import annotations

from ..validators import FALSE_WORDS, TRUE_WORDS

# -- value parsers -----------------------------------------------------------------------------
_US = ["%m/%d/%y %I:%M %p", "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y",
       "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"]
_EU = ["%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
       "%d/%m/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y"]
# month abbreviations Jira writes in Spanish, French, German, Portuguese, Italian and Dutch -> English
_MONTHS = (("jan", ("ene", "janv", "jän", "gen", "jaan")), ("feb", ("févr", "fevr", "fév", "fev")),
           ("mar", ("mars", "mär", "mrt", "maa")), ("apr", ("avr", "abr")), ("may", ("mai", "mag", "mei", "mayo")),
           ("jun", ("juin", "giu")), ("jul", ("juil", "lug")), ("aug", ("août", "aout", "ago")),
           ("sep", ("sept", "set")), ("oct", ("okt", "ott", "out")), ("dec", ("déc", "dez", "dic")))
_JIRA = ["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M", "%d/%b/%y", "%d/%b/%Y",
         "%d-%b-%Y", "%d %b %Y"]


def _lit_list(items: list[str]) -> str:
    # constant format strings written here, never user input
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _words(items) -> str:
    # the yes/no words of pm_core.validators (constants, never user input) as an SQL IN list
    return ", ".join("'" + w.replace("'", "''") + "'" for w in items)


def _ts_expr(kind: str, v: str) -> str:
    # the plain TIMESTAMP cast is several times faster but drops offsets and zone names, so it only
    # takes values with no zone beyond 'Z'; everything else goes through TIMESTAMPTZ (converted to UTC)
    iso = (f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([T ][0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}}([.][0-9]+)?)?)?Z?') "
           f"THEN TRY_CAST({v} AS TIMESTAMP) ELSE TRY_CAST({v} AS TIMESTAMPTZ)::TIMESTAMP END")
    epoch = (f"CASE WHEN regexp_full_match({v}, '-?[0-9]{{9,10}}([.][0-9]+)?') THEN make_timestamp(TRY_CAST(TRY_CAST({v} AS DOUBLE) * 1000000 AS BIGINT)) "
             f"WHEN regexp_full_match({v}, '-?[0-9]{{12,13}}') THEN make_timestamp(TRY_CAST({v} AS BIGINT) * 1000) END")
    # localized Jira months ('19/févr./26', '3/Mär/26', '12/fev/26', '10/nov/25') and 'p. m.' markers become
    # what %b / %p read; the month words are constants written here (_MONTHS), never user input
    es = f"lower({v})"
    for month, words in _MONTHS:
        es = f"regexp_replace({es}, '/({'|'.join(words)})[.]?/', '/{month}/')"
    es = f"replace(replace({es}, 'p. m.', 'pm'), 'a. m.', 'am')"
    # every format of a list starts with these digits and separators: a value without them (an ISO
    # timestamp during type inference, say) skips trying each format in turn, which costs ~10 us a row
    jira = f"CASE WHEN regexp_matches({v}, '^[0-9]{{1,2}}[/ -][^0-9]') THEN TRY_STRPTIME({es}, {_lit_list(_JIRA)}) END"
    us = f"CASE WHEN regexp_matches({v}, '^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]') THEN TRY_STRPTIME({v}, {_lit_list(_US)}) END"
    eu = f"CASE WHEN regexp_matches({v}, '^[0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-][0-9]') THEN TRY_STRPTIME({v}, {_lit_list(_EU)}) END"
    return {
        "iso": iso, "epoch": epoch, "jira": jira, "us": us, "eu": eu,
        "mixed_us": f"COALESCE({iso}, {jira}, {epoch}, {us})",
        "mixed_eu": f"COALESCE({iso}, {jira}, {epoch}, {eu})",
    }[kind]


_MONEY_STRIP = r"'^[(]?(USD|EUR|GBP|US[$]|[£$€¥₹])|(USD|EUR|GBP|[£$€¥₹])$|\s'"


def parse_expr(type_name: str, v: str) -> str:
    """Return SQL that parses the text expression v as type_name, NULL when it does not fit (never a guess)."""
    if type_name == "text":
        return v
    if type_name in ("number", "number_eu"):
        n = f"regexp_replace({v}, {_MONEY_STRIP}, '', 'g')"
        if type_name == "number":
            pat = r"'[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?'"
            return f"CASE WHEN regexp_full_match({n}, {pat}) THEN TRY_CAST(replace({n}, ',', '') AS DOUBLE) END"
        pat = r"'[-+]?([0-9]{1,3}([.][0-9]{3})+|[0-9]*)(,[0-9]+)?'"
        return f"CASE WHEN regexp_full_match({n}, {pat}) THEN TRY_CAST(replace(replace({n}, '.', ''), ',', '.') AS DOUBLE) END"
    if type_name == "bool":
        return (f"CASE WHEN lower({v}) IN ({_words(TRUE_WORDS + ('converted', '1.0'))}) THEN true "
                f"WHEN lower({v}) IN ({_words(FALSE_WORDS + ('0.0',))}) THEN false END")
    if type_name.startswith("date_"):
        return f"({_ts_expr(type_name[5:], v)})::DATE"
    if type_name.startswith("ts_"):
        return _ts_expr(type_name[3:], v)
    raise ValueError(f"unknown type {type_name!r}")


def raw_expr(i: int) -> str:
    """Return SQL for column i's text with surrounding blanks removed; empty means missing (NULL)."""
    return f"NULLIF(trim(c{i}), '')"
