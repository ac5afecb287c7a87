"""--target-version and the per-release data (autofix/data/versions.json)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autofix import registry, versions
from autofix.changes import MISSING, Change
from autofix.runner import run

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"


@pytest.fixture(autouse=True)
def _newest_target():
    versions.use(None)
    yield
    versions.use(None)


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "1000"}  # one finding a line, not wrapped to 80 columns
    return subprocess.run(
        [sys.executable, "-m", "autofix", *args], cwd=ROOT, input=stdin, capture_output=True, env=env
    )


# ---- the data ------------------------------------------------------------------------------------------


def test_releases_cover_153_to_110_one_per_minor_line():
    rel = versions.releases()
    assert rel[0].startswith("1.53.") and rel[-1] == "1.110.2"
    lines = [versions.key(r)[:2] for r in rel]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert len(rel) == 57  # 1.53 ... 1.110 minus 1.107 (only pre-releases on the index)
    assert (1, 107) not in lines


def test_every_fact_has_valid_ranges():
    rel = versions.releases()
    for category, facts in versions.data()["facts"].items():
        for name, rec in facts.items():
            assert rec["in"], (category, name)
            for first, last in rec["in"]:
                assert first in rel and last in rel and versions.key(first) <= versions.key(last), (
                    category,
                    name,
                )


def test_newest_release_agrees_with_the_110_snapshot():
    """The wheel scan (no import) finds exactly what the import-based 1.110.2 snapshot lists."""
    snapshot = json.loads((ROOT / "autofix" / "data" / "litellm_1.110.2.json").read_text())
    for key, category in versions.CATEGORY_OF.items():
        scanned = {n for n, r in versions.data()["facts"][category].items() if r["in"][-1][1] == "1.110.2"}
        assert scanned == set(snapshot[key]), key


@pytest.mark.parametrize(
    ("category", "name", "first", "last"),
    [
        ("router_settings_fatal", "health_check_interval", "1.81.16", "1.110.2"),
        ("cache_types", "disk", "1.53.9", "1.108.14"),
        ("callbacks_custom_logger", "bedrock_vector_store", "1.68.2", "1.73.7"),
        ("callbacks_custom_logger", "vector_store_pre_call_hook", "1.74.15", "1.110.2"),
        ("router_settings", "routing_groups", "1.84.10", "1.110.2"),
        ("optional_pre_call_checks", "enforce_model_rate_limits", "1.81.16", "1.110.2"),
        ("top_level_sections", "vector_stores", "1.67.6", "1.67.6"),
    ],
)
def test_known_release_facts(category, name, first, last):
    rec = versions.record(category, name)
    assert rec is not None
    assert rec["in"][0][0] == first and rec["in"][-1][1] == last
    assert "lost" not in rec


def test_reviewed_facts_are_marked():
    reviewed = [
        (c, n)
        for c, facts in versions.data()["facts"].items()
        for n, rec in facts.items()
        if "reviewed" in rec
    ]
    assert ("cache_types", "disk") in reviewed and ("router_settings", "redis_db") in reviewed


def test_a_lost_fact_counts_as_read_after_its_last_scan():
    rec = versions.record("router_settings", "search_tools")
    assert rec["in"][-1][1] == "1.100.5" and rec["lost"].startswith("1.101.6 ")
    assert "search_tools" in versions.surface("router_settings", "1.110.2")


# ---- resolving --target-version --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.80", "1.80.x", "1.80.11", "v1.80.17", " 1.80 "])
def test_resolve_takes_the_minor_line(text):
    assert versions.resolve(text) == "1.80.17"


@pytest.mark.parametrize("text", ["1.40", "1.107", "2.0", "latest", "1.8o"])
def test_resolve_refuses_what_the_data_lacks(text):
    with pytest.raises(versions.VersionError):
        versions.resolve(text)


def test_when_words():
    assert versions.when("router_settings", "routing_groups") == "read from 1.84.10"
    assert versions.when("cache_types", "disk") == "read up to 1.108.14"
    assert versions.when("cache_types", "local").startswith("read by every release")


# ---- the runner refuses writes the target does not read ---------------------------------------------------


def test_unreadable_writes():
    v = "1.80.17"
    assert versions.unreadable_writes([Change(("router_settings", "routing_groups"), MISSING, [])], v)
    assert not versions.unreadable_writes([Change(("router_settings", "stream_timeout"), MISSING, 120)], v)
    assert versions.unreadable_writes(
        [Change(("router_settings", "optional_pre_call_checks"), MISSING, ["enforce_model_rate_limits"])], v
    )
    assert versions.unreadable_writes(
        [Change(("litellm_settings", "callbacks"), ["otel"], ["otel", "vector_store_pre_call_hook"])],
        "1.70.4",
    )
    # deleting is never refused; neither is a name the user already had
    assert not versions.unreadable_writes([Change(("router_settings", "routing_groups"), [], MISSING)], v)
    assert not versions.unreadable_writes(
        [Change(("litellm_settings", "callbacks"), ["zzz"], ["zzz", "otel"])], v
    )


def test_g3_is_refused_for_180_and_applied_for_110():
    data = UNIFIED.read_bytes()
    versions.use("1.80")
    plan = registry.select(["G3"])
    result = run(data, plan)
    assert not result.changes
    refused = [f for f in result.findings if f.kind == "refused"]
    assert refused and "enforce_model_rate_limits (read from 1.81.16)" in refused[0].message
    assert "1.80.17 does not read" in refused[0].message and refused[0].line is not None
    versions.use(None)
    assert run(data, registry.select(["G3"])).changes


def _written(old: bytes, new: bytes) -> list[tuple[str, str]]:
    a, b = yaml.safe_load(old), yaml.safe_load(new)
    return [
        (s, k)
        for s in versions.SECTION_CATEGORIES
        for k, v in (b.get(s) or {}).items()
        if (a.get(s) or {}).get(k, MISSING) != v
    ]


def test_cli_target_180_writes_only_what_180_reads(tmp_path):
    """The issue's "done when": the bundled config, --target-version 1.80, every fix selected."""
    path = tmp_path / "config.yaml"
    path.write_bytes(UNIFIED.read_bytes())
    r = cli("apply", "--target-version", "1.80", "--only", "all", "--unsafe-fixes", str(path))
    assert r.returncode == 0, r.stderr.decode()
    written = _written(UNIFIED.read_bytes(), path.read_bytes())
    assert written
    for section, key in written:
        assert versions.reads(section, key, "1.80.17"), (section, key)
    new = yaml.safe_load(path.read_bytes())
    assert "routing_groups" not in new["router_settings"]  # X1 would write it (1.84+): refused
    assert "refused" in r.stdout.decode()


def test_cli_rejects_an_unknown_target():
    r = cli("--target-version", "1.40", "--dry-run", str(UNIFIED))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "no data for LiteLLM 1.40" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_from_version_runs_only_the_release_migrations_between():
    assert [m.id for m in registry.select(target="1.110.2", since="1.80.17")] == ["R4", "R5", "R6"]
    assert [m.id for m in registry.select(target="1.110.2", since="1.109.3")] == []
    assert {"R1", "R2", "R3"} <= {m.id for m in registry.select(target="1.80.17", since="1.60.9")}
    assert not any(m.release for m in registry.select(target="1.60.9"))  # none belongs to a later release


def test_from_version_cli(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("router_settings:\n  health_check_interval: 300\n  set_verbose: true\n")
    r = cli("--from-version", "1.80", "--dry-run", str(path))
    out = r.stdout.decode()
    assert r.returncode == 1 and "R4" in out and "G5" not in out and "X5" not in out
    r = cli("--from-version", "1.110", "--dry-run", str(path))
    assert r.returncode == 2 and "not older than the target" in r.stderr.decode()


def test_list_and_explain_show_the_versions():
    out = cli("list").stdout.decode()
    assert "1.53.9 to 1.110.2" in out and "R4" in out and "1.81" in out
    out = cli("explain", "R4").stdout.decode()
    assert "Release: LiteLLM 1.81" in out and "proxy_server.py:3202" in out


def test_x5_says_when_a_key_is_read(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("router_settings:\n  routing_groups: []\n")
    out = cli("--target-version", "1.80", "--dry-run", "-v", str(path)).stdout.decode()
    assert "not read by LiteLLM 1.80.17; read from 1.84.10" in out


def test_g2_adapts_health_check_concurrency_before_181():
    """general_settings.health_check_concurrency is read from 1.81: for 1.80 G2 leaves it (ignored
    there) instead of being refused as a whole; the interval still moves."""
    data = b"router_settings:\n  health_check_interval: 30\n  health_check_concurrency: 4\n"
    versions.use("1.80")
    result = run(data, registry.select(["G2"]))
    new = yaml.safe_load(result.new_bytes)
    assert new["router_settings"] == {"health_check_concurrency": 4}
    assert new["general_settings"]["health_check_interval"] == 30
    assert not [f for f in result.findings if f.kind == "refused"]
    versions.use(None)
    new = yaml.safe_load(run(data, registry.select(["G2"])).new_bytes)
    assert new["general_settings"]["health_check_concurrency"] == 4 and not new["router_settings"]
