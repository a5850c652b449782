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
    # Pretend a newer Pillars adds a column: the file at version 1 must gain it on open.
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(schema.MIGRATIONS, 2, ["ALTER TABLE metric_points ADD COLUMN note VARCHAR"])
    from pm_core.store import core

    monkeypatch.setattr(core, "SCHEMA_VERSION", 2)
    s = open_store(path)
    try:
        assert s.schema_version() == 2
        cols = s.query_df("SELECT column_name FROM information_schema.columns WHERE table_name = 'metric_points'")
        assert "note" in cols["column_name"].tolist()
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
            store.append_df(cur, "metric_points", df)
            raise RuntimeError("boom in the middle of a write")
    assert store.table_counts()["metric_points"] == 0
    assert store.data_version() == before


def test_commit_bumps_data_version(store):
    df = pd.DataFrame({"import_id": ["i1"], "metric": ["revenue"], "date": [pd.Timestamp("2026-01-01").date()],
                       "value": [1.0], "segment": [None]})
    v0 = store.data_version()
    with store.transaction() as cur:
        assert store.append_df(cur, "metric_points", df) == 1
    assert store.data_version() == v0 + 1
    assert store.table_counts()["metric_points"] == 1


def test_append_to_unknown_table_is_refused(store):
    with pytest.raises(StoreError, match="unknown table"):
        with store.transaction() as cur:
            store.append_df(cur, "no_such_table", pd.DataFrame({"a": [1]}))


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
            s.append_df(cur, "metric_points", df)
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
