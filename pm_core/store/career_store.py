"""Career tables (ladder levels, reference points, level map) and every query over them and `salaries`.

The ladder level of a salary row is decided at query time: a level-map row for the row's company
and level wins, then a level-map row for any company ('*'), then the importer's own
`salaries.ladder_level` if it names a known level; otherwise the row is 'unmapped'. Editing the
map therefore takes effect immediately, with no stale copies. While nothing is stored, the caller
passes the default map as `fallback` so that reads and figures agree.
"""
from __future__ import annotations

import duckdb
from .lazy import pd

from .core import Store, utcnow

DDL = [
    """CREATE TABLE IF NOT EXISTS ladder_levels (
        id VARCHAR PRIMARY KEY,
        rank INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        scope VARCHAR,
        focus VARCHAR,
        skills VARCHAR,
        responsibilities VARCHAR,
        impact_startup VARCHAR,
        impact_scale VARCHAR,
        band_low DOUBLE,
        band_high DOUBLE,               -- NULL = no upper bound published
        band_open BOOLEAN NOT NULL,     -- True when the guide writes '+' (the band continues upward)
        currency VARCHAR NOT NULL,
        source VARCHAR,
        year INTEGER,
        note VARCHAR,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS reference_points (
        id VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        company VARCHAR,
        ladder_level VARCHAR,           -- NULL when the source does not say which level
        amount DOUBLE NOT NULL,
        currency VARCHAR NOT NULL,
        qualifier VARCHAR NOT NULL,     -- about | at_least | up_to | exact
        comp VARCHAR,                   -- what the figure is, e.g. 'total compensation'
        source VARCHAR NOT NULL,
        year INTEGER,
        note VARCHAR,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS level_map (
        company VARCHAR NOT NULL,       -- '*' = any company
        company_level VARCHAR NOT NULL,
        ladder_level VARCHAR NOT NULL,
        note VARCHAR,
        updated_by VARCHAR,
        updated_at TIMESTAMP,
        PRIMARY KEY (company, company_level))""",
]

LADDER_COLUMNS = ["id", "rank", "name", "scope", "focus", "skills", "responsibilities", "impact_startup",
                  "impact_scale", "band_low", "band_high", "band_open", "currency", "source", "year", "note"]
REFERENCE_COLUMNS = ["id", "label", "company", "ladder_level", "amount", "currency", "qualifier", "comp",
                     "source", "year", "note"]
LEVEL_MAP_COLUMNS = ["company", "company_level", "ladder_level", "note"]

# Group expressions are chosen from this fixed table by name; user values never reach SQL text.
_GROUP_EXPR = {
    "ladder_level": "coalesce(eff_level, 'unmapped')",
    "level": "coalesce(nullif(trim(company), ''), 'company not given') || ' · ' || coalesce(nullif(trim(level), ''), 'level not given')",
    "title": "coalesce(nullif(trim(title), ''), 'title not given')",
    "company": "coalesce(nullif(trim(company), ''), 'company not given')",
    "location": "coalesce(nullif(trim(location), ''), 'location not given')",
    "years": """CASE WHEN years IS NULL THEN 'years not given'
                     WHEN years < 2 THEN '0–1 years' WHEN years < 5 THEN '2–4 years'
                     WHEN years < 10 THEN '5–9 years' WHEN years < 15 THEN '10–14 years'
                     ELSE '15+ years' END""",
}
_YEARS_ORDER = ["0–1 years", "2–4 years", "5–9 years", "10–14 years", "15+ years", "years not given"]


def _effective_sql() -> str:
    """SQL of every salary row with its effective ladder level, total and usability flag.

    Parameters, in order (see _eff_params): fallback map companies, levels and targets (lists,
    used while no map is stored), known ladder ids (list), currencies exempt from the absurd-pay
    limit (list), the absurd-pay limit (number).
    """
    return """
    WITH lm AS (
        SELECT company, company_level, ladder_level FROM level_map
        UNION ALL
        SELECT unnest(?::VARCHAR[]) AS company, unnest(?::VARCHAR[]) AS company_level, unnest(?::VARCHAR[]) AS ladder_level),
    s AS (
        SELECT rowid AS row_id, import_id, company, title, level, ladder_level AS imported_level, location,
               nullif(upper(trim(currency)), '') AS currency, years, base, stock, bonus, total, reported_on,
               coalesce(total, base + coalesce(stock, 0) + coalesce(bonus, 0)) AS total_eff
        FROM salaries),
    m AS (
        SELECT s.*,
               coalesce(ms.ladder_level, mw.ladder_level,
                        CASE WHEN list_contains(?::VARCHAR[], s.imported_level) THEN s.imported_level END) AS eff_level
        FROM s
        LEFT JOIN lm ms ON ms.company <> '*' AND lower(trim(ms.company)) = lower(trim(s.company))
             AND lower(trim(ms.company_level)) = lower(trim(s.level))
        LEFT JOIN lm mw ON mw.company = '*' AND lower(trim(mw.company_level)) = lower(trim(s.level)))
    SELECT m.*,
           (currency IS NOT NULL AND total_eff IS NOT NULL AND total_eff > 0
            AND coalesce(base, 0) >= 0 AND coalesce(stock, 0) >= 0 AND coalesce(bonus, 0) >= 0
            AND coalesce(total, 0) >= 0
            AND (list_contains(?::VARCHAR[], currency)
                 OR greatest(total_eff, coalesce(base, 0), coalesce(stock, 0), coalesce(bonus, 0)) <= ?)) AS usable
    FROM m"""


def _eff_params(ladder_ids: list[str], exempt: list[str], limit: float, fallback: list[dict] | tuple = ()) -> list:
    fb = list(fallback or [])
    return [[r["company"] for r in fb], [r["company_level"] for r in fb], [r["ladder_level"] for r in fb],
            list(ladder_ids), list(exempt), float(limit)]


def salary_count(store: Store) -> int:
    """Return the number of salary rows in the workspace (0 on a new one)."""
    return int(store.query_df("SELECT count(*) AS n FROM salaries")["n"].iloc[0])


def effective_salaries(store: Store, ladder_ids: list[str], exempt: list[str], limit: float,
                       fallback: list[dict] | tuple = ()) -> pd.DataFrame:
    """Return every salary row with row_id, effective ladder level (eff_level, NULL = unmapped), total_eff and usable."""
    return store.query_df(_effective_sql() + " ORDER BY row_id", _eff_params(ladder_ids, exempt, limit, fallback))


def group_percentiles(store: Store, by: str, ladder_ids: list[str], exempt: list[str], limit: float,
                      title: str | None = None, currency: str | None = None,
                      rates: dict[str, float] | None = None, fallback: list[dict] | tuple = ()) -> pd.DataFrame:
    """Return one row per (grp, currency) of usable rows: n, p10..p90 of total (quantile_cont), base/stock/bonus medians.

    Without `currency` every currency forms its own groups. With `currency`, only rows in it are
    used, plus rows in a currency listed in `rates` (1 unit = rate units of `currency`), converted.
    """
    if by not in _GROUP_EXPR:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(_GROUP_EXPR)}")
    params = _eff_params(ladder_ids, exempt, limit, fallback)
    rates = {str(k).upper(): float(v) for k, v in (rates or {}).items()} if currency else {}
    if currency:
        whens = " ".join("WHEN ? THEN ?" for _ in rates)
        factor = f"(CASE currency WHEN ? THEN 1.0 {whens} ELSE NULL END)"
        factor_params = [currency.upper()] + [x for k, v in rates.items() for x in (k, v)]
    else:
        factor, factor_params = "1.0", []
    sql = f"""
    WITH e AS ({_effective_sql()}),
    u AS (SELECT *, {factor} AS fx FROM e WHERE usable
          AND (?::VARCHAR IS NULL OR lower(trim(title)) = lower(trim(?::VARCHAR))))
    SELECT {_GROUP_EXPR[by]} AS grp,
           CASE WHEN ?::VARCHAR IS NULL THEN currency ELSE upper(?::VARCHAR) END AS currency,
           count(*) AS n,
           quantile_cont(total_eff * fx, 0.10) AS p10,
           quantile_cont(total_eff * fx, 0.25) AS p25,
           quantile_cont(total_eff * fx, 0.50) AS p50,
           quantile_cont(total_eff * fx, 0.75) AS p75,
           quantile_cont(total_eff * fx, 0.90) AS p90,
           median(base * fx) AS base, median(stock * fx) AS stock, median(bonus * fx) AS bonus,
           string_agg(DISTINCT CASE WHEN currency <> coalesce(upper(?::VARCHAR), currency) THEN currency END, ', ')
               AS converted_from
    FROM u WHERE fx IS NOT NULL
    GROUP BY 1, 2"""
    all_params = params + factor_params + [title, title, currency, currency, currency]
    # The CTE's parameters come first in the text, then the factor's, then the filters'.
    return store.query_df(sql, all_params)


def usable_totals(store: Store, ladder_level: str, currency: str, ladder_ids: list[str], exempt: list[str],
                  limit: float, fallback: list[dict] | tuple = ()) -> list[float]:
    """Return the usable total compensation figures at one effective ladder level in one currency."""
    df = store.query_df(
        f"WITH e AS ({_effective_sql()}) SELECT total_eff FROM e WHERE usable AND eff_level = ? AND currency = ?",
        _eff_params(ladder_ids, exempt, limit, fallback) + [ladder_level, currency.upper()])
    return [float(v) for v in df["total_eff"]]


def distinct_titles(store: Store) -> list[str]:
    """Return the distinct non-empty salary titles, most frequent first."""
    df = store.query_df("SELECT trim(title) AS t, count(*) AS n FROM salaries WHERE nullif(trim(title), '') IS NOT NULL "
                        "GROUP BY 1 ORDER BY n DESC, t")
    return list(df["t"])


def duplicate_groups(store: Store) -> pd.DataFrame:
    """Return groups of salary rows identical in every reported field (row_ids listed), with their size."""
    return store.query_df(
        """SELECT list(rowid ORDER BY rowid) AS row_ids, count(*) AS n, any_value(company) AS company,
                  any_value(title) AS title, any_value(level) AS level, any_value(location) AS location,
                  any_value(currency) AS currency, any_value(total) AS total, any_value(reported_on) AS reported_on
           FROM salaries
           GROUP BY company, title, level, location, currency, years, base, stock, bonus, total, reported_on
           HAVING count(*) > 1 ORDER BY n DESC, company""")


def years_order() -> list[str]:
    """Return the order of the years-of-experience buckets used by group_percentiles(by='years')."""
    return list(_YEARS_ORDER)


# -- the ladder and its companions -------------------------------------------------------------
def read_ladder(store: Store) -> pd.DataFrame:
    """Return the stored ladder levels ordered by rank (empty before the defaults are written)."""
    return store.query_df(f"SELECT {', '.join(LADDER_COLUMNS)} FROM ladder_levels ORDER BY rank, id")


def read_reference_points(store: Store) -> pd.DataFrame:
    """Return the stored reference points ordered by currency then amount."""
    return store.query_df(f"SELECT {', '.join(REFERENCE_COLUMNS)} FROM reference_points ORDER BY currency, amount, id")


def read_level_map(store: Store) -> pd.DataFrame:
    """Return the level map ordered by company then company level."""
    return store.query_df(f"SELECT {', '.join(LEVEL_MAP_COLUMNS)} FROM level_map ORDER BY company, company_level")


def ladder_count(store: Store) -> int:
    """Return how many ladder levels are stored (0 means the guide's defaults were never written)."""
    return int(store.query_df("SELECT count(*) AS n FROM ladder_levels")["n"].iloc[0])


def level_map_count(store: Store) -> int:
    """Return how many level-map rows are stored."""
    return int(store.query_df("SELECT count(*) AS n FROM level_map")["n"].iloc[0])


def _insert(cur: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[dict], actor_email: str) -> None:
    cols = columns + ["updated_by", "updated_at"]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    now = utcnow()
    for r in rows:
        cur.execute(sql, [r.get(c) for c in columns] + [actor_email, now])


def write_defaults(cur: duckdb.DuckDBPyConnection, ladder: list[dict], points: list[dict], level_map: list[dict],
                   actor_email: str) -> bool:
    """Insert the default ladder, reference points and level map inside the caller's transaction if no ladder is stored; returns whether it wrote."""
    if cur.execute("SELECT count(*) FROM ladder_levels").fetchone()[0]:
        return False
    _insert(cur, "ladder_levels", LADDER_COLUMNS, ladder, actor_email)
    if not cur.execute("SELECT count(*) FROM reference_points").fetchone()[0]:
        _insert(cur, "reference_points", REFERENCE_COLUMNS, points, actor_email)
    existing = {(c.lower(), lvl.lower()) for c, lvl in cur.execute("SELECT company, company_level FROM level_map").fetchall()}
    _insert(cur, "level_map", LEVEL_MAP_COLUMNS,
            [r for r in level_map if (r["company"].lower(), r["company_level"].lower()) not in existing], actor_email)
    return True


def replace_ladder(cur: duckdb.DuckDBPyConnection, rows: list[dict], actor_email: str) -> None:
    """Replace every ladder level with rows, inside the caller's transaction."""
    cur.execute("DELETE FROM ladder_levels")
    _insert(cur, "ladder_levels", LADDER_COLUMNS, rows, actor_email)


def replace_reference_points(cur: duckdb.DuckDBPyConnection, rows: list[dict], actor_email: str) -> None:
    """Replace every reference point with rows, inside the caller's transaction."""
    cur.execute("DELETE FROM reference_points")
    _insert(cur, "reference_points", REFERENCE_COLUMNS, rows, actor_email)


def replace_level_map(cur: duckdb.DuckDBPyConnection, rows: list[dict], actor_email: str) -> None:
    """Replace the whole level map with rows, inside the caller's transaction."""
    cur.execute("DELETE FROM level_map")
    _insert(cur, "level_map", LEVEL_MAP_COLUMNS, rows, actor_email)


def add_level_map_rows(cur: duckdb.DuckDBPyConnection, rows: list[dict], actor_email: str) -> int:
    """Insert level-map rows whose (company, level) is not mapped yet (case-insensitive); returns how many were added."""
    existing = {(c.lower(), lvl.lower()) for c, lvl in cur.execute("SELECT company, company_level FROM level_map").fetchall()}
    new = [r for r in rows if (r["company"].lower(), r["company_level"].lower()) not in existing]
    _insert(cur, "level_map", LEVEL_MAP_COLUMNS, new, actor_email)
    return len(new)


def add_reference_points(cur: duckdb.DuckDBPyConnection, rows: list[dict], actor_email: str) -> int:
    """Insert reference points whose id is not stored yet; returns how many were added."""
    existing = {r[0] for r in cur.execute("SELECT id FROM reference_points").fetchall()}
    new = [r for r in rows if r["id"] not in existing]
    _insert(cur, "reference_points", REFERENCE_COLUMNS, new, actor_email)
    return len(new)

