"""The workspace store: creation, migrations, refusals in words, transactions, data version."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pytest

from pm_core.store import StoreError, open_store
from pm_core.store import schema
from tests.conftest import ROOT
from tests.factories import append_df


def test_new_workspace_is_created_and_migrated(tmp_path):
    path = tmp_path / "sub" / "w.duckdb"
    s = open_store(path)
    try:
        assert path.exists()
        assert s.schema_version() == schema.SCHEMA_VERSION
        assert s.data_version() == 0
        counts = s.table_counts()
        for table in ("imports", "events", "work_items", "survey_responses", "experiment_exposures",
                      "salaries", "metric_points", "settings"):
            assert counts[table] == 0
    finally:
        s.close()


def test_reopening_does_not_migrate_twice(tmp_path):
    path = tmp_path / "w.duckdb"
    open_store(path).close()
    s = open_store(path)
    try:
        rows = s.query_df("SELECT version FROM schema_version")
        assert rows["version"].tolist() == sorted(set(rows["version"]))
    finally:
        s.close()


def test_non_duckdb_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"%PDF-1.7 this is not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert str(path) in str(err.value)
    assert "not a DuckDB" in str(err.value)
    assert path.read_bytes() == before


def test_empty_file_and_folder_are_refused(tmp_path):
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file"):
        open_store(empty)
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_file_from_a_newer_pillars_is_refused_untouched(tmp_path):
    path = tmp_path / "future.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (?, now())", [schema.SCHEMA_VERSION + 5])
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer Pillars"):
        open_store(path)
    assert path.read_bytes() == before


def test_older_file_is_upgraded_in_place(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    open_store(path).close()
    # Pretend a newer Pillars adds a column: the file at the current version must gain it on open.
    nxt = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(schema.MIGRATIONS, nxt, ["ALTER TABLE metric_points ADD COLUMN note VARCHAR"])
    from pm_core.store import core

    monkeypatch.setattr(core, "SCHEMA_VERSION", nxt)
    s = open_store(path)
    try:
        assert s.schema_version() == nxt
        cols = s.query_df("SELECT column_name FROM information_schema.columns WHERE table_name = 'metric_points'")
        assert "note" in cols["column_name"].tolist()
    finally:
        s.close()


def _properties_compression(store) -> set[str]:
    cur = store.cursor()
    try:
        cur.execute("CHECKPOINT")
        return {r[0] for r in cur.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('events') WHERE column_name = 'properties' "
            "AND segment_type <> 'VALIDITY'").fetchall()}
    finally:
        cur.close()


def test_version_1_file_gets_zstd_properties_and_keeps_its_events(tmp_path):
    path = tmp_path / "v1.duckdb"
    import duckdb

    open_store(path).close()
    # rebuild the file as Pillars 1 left it: events.properties with DuckDB's default compression
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE events")
    con.execute("CREATE TABLE events (import_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, event VARCHAR NOT NULL, "
                "ts TIMESTAMP NOT NULL, properties JSON)")
    con.execute("INSERT INTO events SELECT 'imp', 'u' || (i % 97), 'search', TIMESTAMP '2026-05-01' + INTERVAL (i) MINUTE, "
                "json_object('platform', ['iOS', 'Web'][1 + i % 2], 'session', i) FROM range(150000) t(i)")
    con.execute("DELETE FROM schema_version WHERE version > 1")
    con.close()
    s = open_store(path)
    try:
        assert s.schema_version() == schema.SCHEMA_VERSION  # migration 2 (and every later one) ran
        got = s.query_df("SELECT count(*) AS n, count(DISTINCT user_id) AS u, "
                         "count(*) FILTER (WHERE properties->>'platform' = 'iOS') AS ios, max(ts) AS last FROM events").iloc[0]
        assert (got["n"], got["u"], got["ios"]) == (150000, 97, 75000)
        assert str(got["last"]) == "2026-08-13 03:59:00"
        assert _properties_compression(s) == {"ZSTD"}
    finally:
        s.close()


def test_locked_workspace_gives_a_clear_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("locked", flush=True)
            time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError) as err:
            open_store(path)
        assert "in use by another process" in str(err.value)
        assert str(path) in str(err.value)
    finally:
        holder.kill()
        holder.wait()


def test_transaction_rolls_back_everything_on_error(store):
    before = store.data_version()
    df = pd.DataFrame({"import_id": ["i1"] * 3, "metric": ["revenue"] * 3,
                       "date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]).date,
                       "value": [1.0, 2.0, 3.0], "segment": [None] * 3})
    with pytest.raises(RuntimeError):
        with store.transaction() as cur:
            append_df(cur, "metric_points", df)
            raise RuntimeError("boom in the middle of a write")
    assert store.table_counts()["metric_points"] == 0
    assert store.data_version() == before


def test_commit_bumps_data_version(store):
    df = pd.DataFrame({"import_id": ["i1"], "metric": ["revenue"], "date": [pd.Timestamp("2026-01-01").date()],
                       "value": [1.0], "segment": [None]})
    v0 = store.data_version()
    with store.transaction() as cur:
        assert append_df(cur, "metric_points", df) == 1
    assert store.data_version() == v0 + 1
    assert store.table_counts()["metric_points"] == 1


def test_append_to_unknown_table_is_refused(store):
    with pytest.raises(StoreError, match="unknown table"):
        with store.transaction() as cur:
            append_df(cur, "no_such_table", pd.DataFrame({"a": [1]}))


def test_killed_writer_leaves_no_half_written_state(tmp_path):
    """A process killed inside a transaction leaves the workspace as it was before that transaction."""
    path = tmp_path / "kill.duckdb"
    open_store(path).close()
    script = textwrap.dedent(f"""
        import os, signal, pandas as pd
        from pm_core.store import open_store
        s = open_store({str(path)!r})
        df = pd.DataFrame({{"import_id": ["k"] * 50000, "metric": ["m"] * 50000,
                           "date": [pd.Timestamp("2026-01-01").date()] * 50000,
                           "value": [1.0] * 50000, "segment": [None] * 50000}})
        with s.transaction() as cur:
            append_df(cur, "metric_points", df)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    p = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert p.returncode != 0
    time.sleep(0.2)
    s = open_store(path)
    try:
        assert s.table_counts()["metric_points"] == 0
    finally:
        s.close()
