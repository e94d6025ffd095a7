"""The command line: help with examples, exit codes, one-line errors, config lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import cli
from redline import config as config_mod
from tests.support.proc import redline


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's --help
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_lists_every_verb_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, "--help")
    assert code == 0
    for mod in cli.command_modules():
        assert mod.NAME in out
        sub_code, sub_out, _ = _main(capsys, mod.NAME, "--help")
        assert sub_code == 0
        assert "\nexample:\n" in sub_out, mod.NAME
        examples = sub_out.split("\nexample:\n", 1)[1]
        assert f"redline {mod.NAME}" in examples or "redline --config" in examples, mod.NAME


def test_required_verbs_exist() -> None:
    names = {m.NAME for m in cli.command_modules()}
    assert {"run", "serve", "ingest", "sql", "feeds"} <= names


def test_unknown_verb_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(capsys, "frobnicate")
    assert code == 2 and err.startswith("redline: error:") and "Traceback" not in err


def test_config_error_names_file_and_key_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "desk.yaml"
    bad.write_text("feeds:\n  - name: A\n    url: http://a.example/feed\n  - name: B\n    url: gopher://b\nfetch:\n  timeout_s: -1\n")
    code, _, err = _main(capsys, "--config", str(bad), "feeds")
    assert code == 2
    assert str(bad) in err and "feeds.1.url" in err and "http" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("fetch:\n  timeoutt: 3\n", "fetch.timeoutt: unknown key"),
     ("feeds: [{name: a, url: 'http://x'}, {name: a, url: 'http://y'}]\n", "duplicate feed name"),
     ("fetch: {allow_private_addresses: ['not-a-net']}\n", "fetch.allow_private_addresses"),
     ("feeds:\n  - name: x\n   url: bad-indent\n", "invalid YAML"),
     ("notify:\n  - name: desk\n    url: ${REDLINE_TEST_UNSET_VAR}\n", "notify.0.url: environment variable REDLINE_TEST_UNSET_VAR is not set"),
     ("- just\n- a list\n", "top level must be a mapping")],
)
def test_config_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(config_mod.ConfigError, match="c.yaml") as err:
        config_mod.load(path)
    assert fragment in str(err.value)


def test_env_reference_is_resolved_and_kept_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_HOOK", "json://user:s3cr3t@127.0.0.1:9/hook")
    path = tmp_path / "c.yaml"
    path.write_text("notify:\n  - name: desk\n    url: ${DESK_HOOK}\n    tags: [europe]\n")
    cfg = config_mod.load(path)
    assert cfg.notify[0].url.get_secret_value().endswith("/hook")
    assert "s3cr3t" not in repr(cfg) and "s3cr3t" not in cfg.model_dump_json()


def test_config_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REDLINE_CONFIG", raising=False)
    default = config_mod.load()
    assert default.source == "<built-in defaults>" and len(default.feeds) >= 10
    assert default.warehouse.parts[-2:] == ("data", "redline.duckdb")
    assert default.fetch.allow_private_addresses is False
    (tmp_path / "redline.yaml").write_text("schedule: {interval_s: 60}\n")
    assert config_mod.load().schedule.interval_s == 60
    other = tmp_path / "other.yaml"
    other.write_text("schedule: {interval_s: 90}\n")
    monkeypatch.setenv("REDLINE_CONFIG", str(other))
    assert config_mod.load().schedule.interval_s == 90
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text("schedule: {interval_s: 120}\n")
    assert config_mod.load(explicit).schedule.interval_s == 120


def test_sql_before_any_run_is_a_clean_usage_error(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = make_config()
    code, _, err = _main(capsys, "--config", str(path), "sql", "SELECT 1")
    assert code == 2 and "run `redline run` first" in err


def test_sql_formats_and_bad_sql(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, cfg = make_config([{"name": "Wire", "url": "http://127.0.0.1:9/rss"}])
    from warehouse import Warehouse

    Warehouse(cfg.warehouse).publish_read_copy()
    code, out, _ = _main(capsys, "--config", str(path), "sql", "--format", "json", "SELECT 1 AS one, 'a,b' AS two")
    assert code == 0 and '"one": 1' in out
    code, out, _ = _main(capsys, "--config", str(path), "sql", "--format", "csv", "SELECT 'a,b' AS two")
    assert out.splitlines() == ["two", '"a,b"']
    code, out, _ = _main(capsys, "--config", str(path), "sql", "SELECT name FROM feeds")
    assert code == 0 and "(0 rows)" in out
    code, _, err = _main(capsys, "--config", str(path), "sql", "SELEC nonsense")
    assert code == 2 and "SQL error" in err and "Traceback" not in err
    code, _, err = _main(capsys, "--config", str(path), "sql", "DROP VIEW articles")
    assert code == 2 and "read-only" in err.lower()


def test_feeds_lists_configured_feeds_before_any_poll(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = make_config([{"name": "Wire", "url": "http://127.0.0.1:9/rss"}])
    code, out, _ = _main(capsys, "--config", str(path), "feeds")
    assert code == 0 and "Wire" in out and "never polled" in out


@pytest.mark.slow  # spawns redline processes
def test_unexpected_failure_is_one_line_and_debug_shows_traceback(tmp_path: Path) -> None:
    (tmp_path / "wh").mkdir()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"warehouse: {tmp_path / 'wh'}\n")
    plain = redline("ingest", str(Path(__file__)), config=cfg, timeout=120)
    assert plain.returncode == 1 and plain.stderr.startswith("redline: error:") and "Traceback" not in plain.stderr
    debug = redline("--debug", "ingest", str(Path(__file__)), config=cfg, timeout=120)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_ingest_missing_file_is_usage_error(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = make_config()
    code, _, err = _main(capsys, "--config", str(path), "ingest", "/nonexistent/article.txt")
    assert code == 2 and "/nonexistent/article.txt: no such file" in err


@pytest.mark.slow  # spawns redline processes
def test_sql_reads_a_script_from_stdin(make_config) -> None:
    import subprocess

    from tests.support.proc import REDLINE, env
    from warehouse import Warehouse

    path, cfg = make_config([{"name": "Wire", "url": "http://127.0.0.1:9/rss"}])
    Warehouse(cfg.warehouse).publish_read_copy()
    res = subprocess.run([*REDLINE, "--config", str(path), "sql", "--format", "csv"], input="SELECT 1 AS a;\nSELECT 2 AS b;\n",
                         capture_output=True, text=True, timeout=60, env=env(), check=False)
    assert res.returncode == 0 and res.stdout.split() == ["a", "1", "b", "2"]


@pytest.mark.slow  # spawns redline processes
def test_sql_interactive_prompt_on_a_terminal(make_config) -> None:
    import os
    import pty
    import subprocess

    from tests.support.proc import REDLINE, env
    from warehouse import Warehouse

    path, cfg = make_config([{"name": "Wire", "url": "http://127.0.0.1:9/rss"}])
    Warehouse(cfg.warehouse).publish_read_copy()
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([*REDLINE, "--config", str(path), "sql"], stdin=secondary, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env(), text=True)
    os.close(secondary)
    os.write(primary, b"SELECT name\n FROM feeds;\nSELEC broken;\n.quit\n")
    out, _ = proc.communicate(timeout=60)
    os.close(primary)
    assert proc.returncode == 0
    assert "read-only" in out and "(0 rows)" in out and "SQL error" in out
