"""PILLARS_* configuration and `serve`: checked against the declared table in pm_core.config and the exit codes users see."""
from __future__ import annotations

import pytest

from pm_core import cli
from pm_core.config import VARIABLES, ConfigError, is_loopback, load_config


@pytest.mark.parametrize("env, needle", [
    ({"PILLARS_MODE": "intranett"}, "PILLARS_MODE='intranett'"),
    ({"PILLARS_MODE": "editor"}, "PILLARS_MODE"),
    ({"PILLARS_MODE": "Local mode"}, "PILLARS_MODE"),
    ({"PILLARS_DEMO": "yes please"}, "PILLARS_DEMO"),
    ({"PILLARS_DEMO": "2"}, "PILLARS_DEMO"),
    ({"PILLARS_EDITORS": "pm@example.com, lead"}, "'lead' is not an email"),
    ({"PILLARS_EDITOR": "pm@example.com"}, "Did you mean PILLARS_EDITORS?"),
    ({"PILLARS_MOD": "intranet"}, "Did you mean PILLARS_MODE?"),
])
def test_unknown_names_and_values_are_refused_never_read_as_local(env, needle):
    with pytest.raises(ConfigError) as exc:
        load_config(env)
    assert needle in str(exc.value)


def test_defaults_and_accepted_values():
    c = load_config({})
    assert (c.mode, c.editors, c.demo) == ("local", (), True)
    c = load_config({"PILLARS_MODE": " Intranet ", "PILLARS_EDITORS": "pm@example.com, lead@example.com,"})
    assert c.mode == "intranet" and c.editors == ("pm@example.com", "lead@example.com")
    assert c.demo is False  # a new intranet workspace starts empty: no made-up company for every visitor
    assert load_config({"PILLARS_MODE": "intranet", "PILLARS_DEMO": "1"}).demo is True
    assert load_config({"PILLARS_DEMO": "0"}).demo is False
    assert load_config({"PILLARS_MODE": ""}).mode == "local"  # empty counts as unset
    assert {v.name for v in VARIABLES} >= {"PILLARS_DB", "PILLARS_MODE", "PILLARS_EDITORS", "PILLARS_DEMO"}


@pytest.mark.parametrize("addr, loop", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
                                        ("[::1]", True), ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", False),
                                        ("fe80::1%eth0", False), ("0.0.0.0", False), ("::", False), ("10.1.2.3", False),
                                        ("example.com", False)])
def test_loopback_addresses(addr, loop):
    assert is_loopback(addr) is loop


def test_serve_refuses_a_bad_mode_and_local_mode_on_the_network(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PILLARS_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("PILLARS_MODE", "intranett")
    assert cli.main(["serve", "--check"]) == 2
    assert "PILLARS_MODE='intranett' is not accepted" in capsys.readouterr().err
    monkeypatch.setenv("PILLARS_MODE", "local")
    assert cli.main(["serve", "--check", "--address", "0.0.0.0"]) == 2
    assert "intranet mode" in capsys.readouterr().err
    assert cli.main(["serve", "--check"]) == 0
    assert "local mode" in capsys.readouterr().out
    monkeypatch.setenv("PILLARS_MODE", "intranet")
    assert cli.main(["serve", "--check", "--address", "0.0.0.0"]) == 0
    assert not (tmp_path / "w.duckdb").exists()  # checking opens no workspace


def test_every_cli_command_refuses_a_bad_configuration(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PILLARS_MODE", "intranett")
    assert cli.main(["--db", str(tmp_path / "w.duckdb"), "info", "--json"]) == 2
    assert "PILLARS_MODE" in capsys.readouterr().err
