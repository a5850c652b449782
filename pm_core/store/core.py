"""The workspace store: one DuckDB file, opened once per process, migrated on open.

Every other module reaches the database through a `Store` (or a cursor it hands out); SQL text
lives only in the `pm_core.store` package.
"""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import importlib
import os
import pkgutil
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
from .lazy import pd

from .areas import areas_of
from .schema import CORE_DDL, MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = Path("data") / "pillars.duckdb"
# DuckDB's single-file format starts with an 8-byte checksum, then the magic "DUCK".
_DUCKDB_MAGIC = b"DUCK"


class StoreError(Exception):
    """A problem with the workspace file that a person can act on (path named in the message).

    `public` says the same in words without the path, process id or the database's own message:
    that is what a page shows a viewer. `locked` is True when another process holds the file.
    """

    def __init__(self, message: str, public: str | None = None, locked: bool = False):
        super().__init__(message)
        self.public = public or "The workspace file cannot be used. An editor can see why in the server's log."
        self.locked = locked


def default_db_path() -> Path:
    """Return the workspace path: $PILLARS_DB if set, else data/pillars.duckdb (relative to cwd)."""
    return Path(os.environ.get("PILLARS_DB") or DEFAULT_DB)


def new_id(prefix: str = "") -> str:
    """Return a short random id, e.g. 'imp_3f9a1c2b7d4e'; prefix may be empty."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def utcnow() -> dt.datetime:
    """Return the current time as a naive UTC datetime (the store keeps naive UTC everywhere)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Pillars workspace file. Point PILLARS_DB or --db at a .duckdb file.",
                         public="The workspace setting points at a folder, not a workspace file. An editor can set PILLARS_DB to a .duckdb file.")
    size = path.stat().st_size
    if size == 0:
        raise StoreError(f"{path} is an empty file, not a Pillars workspace. Remove it or choose another path; Pillars will not overwrite it.",
                         public="The workspace file is empty, not a Pillars workspace; Pillars left it untouched. An editor can remove it or choose another file.")
    with path.open("rb") as fh:
        head = fh.read(16)
    if _DUCKDB_MAGIC not in head:
        raise StoreError(f"{path} is not a DuckDB database (it may be another kind of file or corrupt). Pillars left it untouched; choose another path with PILLARS_DB or --db.",
                         public="The workspace file is not a Pillars workspace (another kind of file, or damaged); Pillars left it untouched. An editor can choose another file.")


def _area_modules() -> list:
    """Import every pm_core.store submodule that declares DDL (tables owned by one area)."""
    import pm_core.store as pkg

    mods = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name in {"core", "schema"}:
            continue
        mod = importlib.import_module(f"pm_core.store.{info.name}")
        if getattr(mod, "DDL", None):
            mods.append(mod)
    return mods


# Commits per workspace file by every Store of this process, and the area versions read at that count.
# The file has one writer: DuckDB's lock keeps other processes out while the app holds it (the CLI
# talks to the app instead), so versions change only when a commit here moves this count. Reading
# them was a query and a cursor on every script run and every memo call (about 1 ms a page run);
# keyed per file, not per Store, so a second Store on the same file in this process (tests do that)
# invalidates the first one's view too.
_COUNTS_LOCK = threading.Lock()
_COMMITS: dict[str, int] = {}
_VERSIONS: dict[str, tuple[int, dict[str, int], int]] = {}


class Store:
    """A workspace: the process-wide DuckDB connection plus helpers for cursors and transactions."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path):
        self.con = con
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._memo: collections.OrderedDict = collections.OrderedDict()
        self._memo_lock = threading.Lock()
        self._memo_computing: dict = {}
        self._file_key = str(Path(path).resolve())
        self.forget_versions()  # another process may have written the file since this process last read it

    @property
    def commits(self) -> int:
        """Return how many writes were committed to this workspace file in this process (0 after opening)."""
        return _COMMITS.get(self._file_key, 0)

    # -- connections -------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return a new cursor on the shared connection (one per thread or script run)."""
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        return cur

    @contextlib.contextmanager
    def transaction(self, *areas: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a cursor inside BEGIN ... COMMIT; any exception rolls everything back.

        A successful commit bumps the version of each named data area (pm_core.store.areas; none
        named = every area) and the workspace's data version, so caches keyed on them refresh. Name
        only what the write changes: a check-in is transaction("okrs") and leaves the KPIs cached.
        """
        bumped = list(areas_of(areas))  # an unknown area is refused before anything is written
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                now = utcnow()
                # an upsert, so an area declared after the file was made needs no migration of its own
                cur.execute("INSERT INTO data_versions SELECT unnest(?::VARCHAR[]), 1, ? ON CONFLICT (area) "
                            "DO UPDATE SET n = data_versions.n + 1, changed_at = excluded.changed_at", [bumped, now])
                cur.execute("UPDATE data_version SET n = n + 1, changed_at = ?", [now])
                cur.execute("COMMIT")
                with _COUNTS_LOCK:
                    _COMMITS[self._file_key] = _COMMITS.get(self._file_key, 0) + 1
            except BaseException:
                with contextlib.suppress(Exception):
                    cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def _versions(self) -> tuple[dict[str, int], int]:
        """Return (version of each area, overall data version), read again only after a commit in this process."""
        count = self.commits  # read before the query: a commit meanwhile only makes what is kept newer
        hit = _VERSIONS.get(self._file_key)
        if hit is not None and hit[0] == count:
            return hit[1], hit[2]
        cur = self.cursor()
        try:
            found = {str(a): int(n) for a, n in cur.execute("SELECT area, n FROM data_versions").fetchall()}
            overall = int(cur.execute("SELECT n FROM data_version").fetchone()[0])
        finally:
            cur.close()
        with _COUNTS_LOCK:
            _VERSIONS[self._file_key] = (count, found, overall)
        return found, overall

    def forget_versions(self) -> None:
        """Read the versions from the file again on next use (after the file was written outside this process)."""
        with _COUNTS_LOCK:
            _VERSIONS.pop(self._file_key, None)

    def data_version(self) -> int:
        """Return the counter that every committed write increments (0 on a new workspace): 'anything changed'."""
        return self._versions()[1]

    def data_versions(self, areas=()) -> tuple[int, ...]:
        """Return the version of each area (sorted by name; none named = every area), for cache keys."""
        names = areas_of(areas)
        found = self._versions()[0]
        return tuple(found.get(a, 0) for a in names)

    # Enough for every page's KPIs, series, rollups and briefings at a few periods and segments; the
    # least recently used result goes first (results of older versions are never asked for again).
    MEMO_ENTRIES = 512

    def memo(self, key, fn: Callable[[], Any], areas=()) -> Any:
        """Return fn(), computed once per key and per version of `areas` (none named = every area).

        Thread-safe: sessions asking for the same key at the same moment wait for one computation
        instead of each running it. The value is shared; callers must not modify it (return copies
        of DataFrames and lists that a caller may change). An exception is not remembered.
        """
        full = (key, areas_of(areas), self.data_versions(areas))
        with self._memo_lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]
            lock = self._memo_computing.setdefault(full, threading.Lock())
        # A computation that waits for another key's computation cannot deadlock (areas read each
        # other in one direction), but a bounded wait keeps a page alive if that ever changes.
        got = lock.acquire(timeout=120)
        try:
            with self._memo_lock:
                if full in self._memo:
                    self._memo.move_to_end(full)
                    return self._memo[full]
            value = fn()
            with self._memo_lock:
                self._memo[full] = value
                while len(self._memo) > self.MEMO_ENTRIES:
                    self._memo.popitem(last=False)
            return value
        finally:
            if got:
                lock.release()
            with self._memo_lock:
                if self._memo_computing.get(full) is lock and full in self._memo:
                    del self._memo_computing[full]

    def clear_memo(self) -> None:
        """Forget every memoised result (benchmarks use it for a cold run; writes never need it)."""
        with self._memo_lock:
            self._memo.clear()

    def schema_version(self) -> int:
        """Return the schema version recorded in the file."""
        cur = self.cursor()
        try:
            return int(cur.execute("SELECT max(version) FROM schema_version").fetchone()[0])
        finally:
            cur.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with contextlib.suppress(Exception):
            self.con.close()

    # -- generic reads used by several areas ------------------------------------------------
    def query_df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Return the result of a parametrised read query as a DataFrame (store-internal use)."""
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def query_dicts(self, sql: str, params: list | None = None) -> list[dict]:
        """Return the rows of a parametrised read query as plain dicts by column name ([] when none match)."""
        # plain rows, not a DataFrame: readers such as `info` and `imports` then never import pandas
        cur = self.cursor()
        try:
            cur.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        finally:
            cur.close()

    def table_counts(self) -> dict[str, int]:
        """Return {table: row count} for every base table in the main schema, sorted by name."""
        cur = self.cursor()
        try:
            names = [r[0] for r in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
            # Table names come from the catalogue, not from users, so quoting them is safe.
            return {n: int(cur.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
        finally:
            cur.close()

    @staticmethod
    def table_counts_names(cur: duckdb.DuckDBPyConnection) -> set[str]:
        """Return the set of base table names in the main schema."""
        return {r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
    found = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Pillars (schema {found}; this one knows up to {SCHEMA_VERSION}). "
            "Upgrade Pillars to open it; the file was not changed.",
            public="The workspace was written by a newer Pillars; it was not changed. An editor can upgrade this Pillars.")
    con.execute("BEGIN TRANSACTION")
    try:
        for ddl in CORE_DDL:
            con.execute(ddl)
        for mod in _area_modules():
            for ddl in mod.DDL:
                con.execute(ddl)
        current = found or 0
        for version, steps in sorted(MIGRATIONS.items()):
            if version <= current:
                continue
            for step in steps:
                con.execute(step)
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utcnow()])
        if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
            con.execute("INSERT INTO data_version VALUES (0, ?)", [utcnow()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def open_store(path: str | Path | None = None, read_only: bool = False) -> Store:
    """Open (creating and migrating if needed) the workspace at path; raises StoreError in words.

    A missing file is created; a non-DuckDB or newer-schema file is refused untouched; a file locked
    by another process is reported as such.
    """
    p = Path(path) if path is not None else default_db_path()
    _check_file(p)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise StoreError(
                f"{p} is in use by another process (DuckDB allows one writer). Stop the other Pillars "
                f"(app or CLI) using it, or point PILLARS_DB / --db at another file. Detail: {msg.splitlines()[0]}",
                public="The workspace is in use by another Pillars process (a second server or a command-line "
                       "import on the same file). An editor can stop the other process, or give each server "
                       "its own workspace file.", locked=True) from None
        raise StoreError(f"{p} could not be opened: {msg.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{p} is not a usable DuckDB workspace: {str(exc).splitlines()[0]}",
                         public="The workspace file is not a usable Pillars workspace (it may be damaged). "
                                "An editor can see why in the server's log.") from None
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        try:
            _migrate(con, p)
        except StoreError:
            con.close()
            raise
    return Store(con, p)
