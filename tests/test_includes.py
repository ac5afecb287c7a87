"""LiteLLM's include: files are followed, and each edit lands in the file that holds the key."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from autofix import registry
from autofix.discover import read_config
from autofix.runner import run

MAIN = """\
# main config
include:
  - models.yaml
  - config/router.yaml

litellm_settings:
  json_logs: true
"""
MODELS = """\
# the models, kept in their own file
model_list:
  - model_name: small
    litellm_params:
      model: openai/small
      api_base: http://127.0.0.1:8001/v1
      rpm: 10
  - model_name: big
    litellm_params:
      model: openai/big
      api_base: https://api.example.com/v1
"""
ROUTER = """\
router_settings:
  routing_strategy: usage-based-routing-v2   # to be fixed here
include:
  - more-models.yaml
"""
MORE = """\
model_list:
  - model_name: third
    litellm_params:
      model: openai/third
      api_base: http://10.0.0.3/v1
server_settings:
  prometheus:
    port: 9090
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "main.yaml").write_text(MAIN)
    (tmp_path / "models.yaml").write_text(MODELS)
    (tmp_path / "config" / "router.yaml").write_text(ROUTER)
    (tmp_path / "config" / "more-models.yaml").write_text(MORE)
    return tmp_path / "main.yaml"


def _merged(path: Path) -> dict:
    """What LiteLLM reads: the include merge of config_includes.py."""
    config = yaml.safe_load(path.read_text())
    pending = [(e, path) for e in config.pop("include", [])]
    while pending:
        entry, declared = pending.pop(0)
        inc = yaml.safe_load((declared.parent / entry).read_text())
        pending += [(e, declared.parent / entry) for e in inc.pop("include", [])]
        for k, v in inc.items():
            config[k] = config[k] + v if isinstance(v, list) and isinstance(config.get(k), list) else v
    return config


def test_edits_land_in_the_file_holding_each_key(tmp_path):
    main = _tree(tmp_path)
    result = run(main.read_bytes(), registry.select(), name=str(main), path=main, read=read_config)
    files = {Path(i.path).name: i for i in result.included}
    assert set(files) == {"models.yaml", "router.yaml", "more-models.yaml"}
    router = files["router.yaml"].new_bytes.decode()
    assert "routing_strategy: simple-shuffle   # to be fixed here" in router
    assert "enforce_model_rate_limits" in router  # rpm lives in models.yaml, the check in router.yaml
    models = files["models.yaml"].new_bytes.decode()
    assert models.startswith("# the models, kept in their own file\n")
    assert "health_check_timeout: 10" in models and "health_check_timeout: 30" in models
    more = files["more-models.yaml"].new_bytes.decode()
    assert "health_check_timeout: 10" in more  # model_list[2] of the merged list is this file's [0]
    assert "server_settings" not in more and "prometheus" not in more
    g1 = next(f for f in result.findings if f.migration == "G1" and "server_settings" in f.message)
    assert g1.file and g1.file.endswith("more-models.yaml") and g1.line == 7
    main_new = result.new_bytes.decode()
    assert "callbacks: [prometheus]" in main_new and "background_health_checks: true" in main_new
    assert "model_list" not in main_new and "router_settings" not in main_new


def test_apply_writes_every_file_with_a_backup_and_settles(tmp_path):
    main = _tree(tmp_path)
    env = {**os.environ, "NO_COLOR": "1"}
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.yaml")}
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", str(main)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("backup:") == 4
    for p, old in before.items():
        assert p.read_bytes() != old
        baks = list((p.parent / ".autofix-backups").glob(f"{p.name}.*.bak"))
        assert len(baks) == 1 and baks[0].read_bytes() == old
    merged = _merged(main)
    assert [m["model_name"] for m in merged["model_list"]] == ["small", "big", "third"]
    assert merged["router_settings"]["routing_strategy"] == "simple-shuffle"
    assert "server_settings" not in merged
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "--dry-run", str(main)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout


def test_dry_run_shows_a_diff_per_file_and_folder_runs_skip_included_files(tmp_path):
    _tree(tmp_path)
    env = {**os.environ, "NO_COLOR": "1"}
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "--dry-run", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 1
    for name in ("main.yaml", "models.yaml", "router.yaml", "more-models.yaml"):
        assert f"+++ b/{name}" in r.stdout or f"+++ b/{tmp_path}" in r.stdout or name in r.stdout
    assert "included by" in r.stdout
    assert r.stdout.count("+++ ") == 4  # each file once, through main.yaml


def test_missing_include_is_one_clear_error(tmp_path):
    main = tmp_path / "main.yaml"
    main.write_text("include: [nope.yaml]\nmodel_list: []\n")
    env = {**os.environ, "NO_COLOR": "1"}
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "--dry-run", str(main)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 2 and "nope.yaml" in r.stderr and "no such file" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def _protocol_members() -> set[str]:
    from autofix.migration import ConfigDoc

    return {n for n in vars(ConfigDoc) if not n.startswith("_")}


def test_document_and_config_set_implement_the_whole_declared_interface():
    from autofix.document import Document
    from autofix.includes import ConfigSet

    members = _protocol_members()
    assert {"get", "set", "delete", "line", "source_lines"} <= members
    for cls in (Document, ConfigSet):
        missing = [n for n in members if not callable(getattr(cls, n, None))]
        assert not missing, f"{cls.__name__} lacks {missing}"


def test_migrations_use_only_the_declared_interface():
    """Every attribute a migration (or the helpers in values.py it calls) reads on its document is
    declared by migration.ConfigDoc."""
    import re

    used: dict[str, set[str]] = {}
    root = Path(__file__).resolve().parent.parent
    for path in [*sorted((root / "migrations").glob("*.py")), root / "autofix" / "values.py"]:
        for name in re.findall(r"\b(?:ctx\.)?doc\.([A-Za-z_]\w*)", path.read_text()):
            used.setdefault(name, set()).add(path.name)
    assert used, "the scan found no document use at all"
    undeclared = {n: sorted(files) for n, files in used.items() if n not in _protocol_members()}
    assert not undeclared, f"migrations use undeclared document attributes: {undeclared}"


ISSUE_ROOT = """\
include: [models.yaml]
litellm_settings:
  success_callback: [langfuse]
  callback_settings: {}
  model_group_alias: {fast: gpt}
"""
ISSUE_MODELS = """\
model_list:
  - model_name: gpt
    litellm_params: {model: openai/gpt-4o}
"""


def test_include_config_runs_with_every_fix_and_unsafe_fixes(tmp_path):
    """The issue's repro: G5 (callback_settings) and X5 (model_group_alias, --unsafe-fixes) crashed."""
    (tmp_path / "config.yaml").write_text(ISSUE_ROOT)
    (tmp_path / "models.yaml").write_text(ISSUE_MODELS)
    env = {**os.environ, "NO_COLOR": "1"}
    for extra in ([], ["--only", "p0,p1,p2", "--unsafe-fixes"]):
        r = subprocess.run(
            [sys.executable, "-m", "autofix", "--dry-run", *extra, "config.yaml"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert r.returncode == 1, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "--only", "p0,p1,p2", "--unsafe-fixes", "config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    merged = _merged(tmp_path / "config.yaml")
    assert merged["router_settings"]["model_group_alias"] == {"fast": "gpt"}
    assert "callback_settings" not in merged["litellm_settings"]
