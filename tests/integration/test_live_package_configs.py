"""The 27 proxy configs shipped inside the litellm package still load after `autofix apply`.

For each `site-packages/litellm/proxy/*.yaml` and `.../proxy/example_config_yaml/*.yaml`:
  - a copy (with the *.py files next to it: configs name custom modules by path) is loaded
    through the proxy's own loader, `ProxyConfig().load_config(router=None, config_file_path=...)`
    (load_configs.py, run with the venv's python) -> "before";
  - another copy gets `python -m autofix apply COPY` (the default, safe fixes) and is loaded -> "after".
A config that loaded before must load after. One that does not load before either is an
xfail naming the loader's error (so it is visible, never silently passed).
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from itest_support import HERE, autofix_failure, record, run_autofix

pytestmark = pytest.mark.integration

LOAD_TIMEOUT = 60  # per config; a healthy load takes ~1-2 s after the shared import


def package_configs() -> list[Path]:
    try:
        proxy_dir = harness.site_packages(harness.venv_dir()) / "litellm" / "proxy"
    except FileNotFoundError:
        return []
    return sorted(proxy_dir.glob("*.yaml")) + sorted((proxy_dir / "example_config_yaml").glob("*.yaml"))


def config_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


CONFIGS = package_configs()
PARAMS = [pytest.param(p, id=config_id(p)) for p in CONFIGS] or [
    pytest.param(None, id="litellm-venv-missing")
]


def copy_with_modules(src: Path, dest_dir: Path) -> Path:
    """Copy a config and the Python files beside it (custom callbacks/auth are loaded from there)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    for module in src.parent.glob("*.py"):
        shutil.copyfile(module, dest_dir / module.name)
    shutil.copyfile(src, dest_dir / src.name)
    return dest_dir / src.name


def config_env(path: Path, redis_port: int) -> dict:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError:
        data = {}
    return harness.placeholder_env(harness.env_refs(data) - {"LITELLM_MASTER_KEY"}, redis_port)


@pytest.fixture(scope="module")
def load_results(integration_ready, redis_server, tmp_path_factory):
    """Copies, autofix on the "after" copies, then one loader run over all of them."""
    if not CONFIGS:
        pytest.fail("no proxy configs found in the litellm package", pytrace=False)
    root = tmp_path_factory.mktemp("package-configs")
    pairs = {}
    for src in CONFIGS:
        key = config_id(src)
        pairs[key] = (
            copy_with_modules(src, root / "before" / src.parent.name),
            copy_with_modules(src, root / "after" / src.parent.name),
        )

    # One autofix run over all copies; only if it fails, one run per file to say which failed.
    batch = run_autofix(*(after for _, after in pairs.values()))
    if batch.returncode == 0:
        fixes = dict.fromkeys(pairs, batch)
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            fixes = dict(zip(pairs, pool.map(lambda p: run_autofix(p[1]), pairs.values()), strict=True))

    manifest = []
    for key, (before, after) in pairs.items():
        for stage, path in (("before", before), ("after", after)):
            manifest.append(
                {
                    "id": f"{stage}:{key}",
                    "path": str(path),
                    "env": config_env(path, redis_server.port),
                    "log": str(root / f"{stage}-{key.replace('/', '__')}.log"),
                }
            )
    manifest_path = root / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=1))
    env = harness.base_env("sk-" + secrets.token_hex(24))
    # `cache: true` without a host reads REDIS_HOST/REDIS_PORT, as a deployment would set them.
    env.update(REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis_server.port))
    started = time.monotonic()
    completed = subprocess.run(
        [
            str(harness.python_for_venv()),
            str(HERE / "load_configs.py"),
            str(manifest_path),
            "--jobs",
            "2",
            "--timeout",
            str(LOAD_TIMEOUT),
        ],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60 + LOAD_TIMEOUT * len(manifest),
    )
    assert completed.returncode == 0, f"load_configs.py failed:\n{completed.stderr[-4000:]}"
    loaded = {r["id"]: r for r in map(json.loads, completed.stdout.splitlines())}

    results = {}
    for key, (before, after) in pairs.items():
        results[key] = {
            "before": loaded[f"before:{key}"],
            "after": loaded[f"after:{key}"],
            "autofix": fixes[key],
            "changed": before.read_bytes() != after.read_bytes(),
            "paths": (before, after),
        }
    ok_before = sum(r["before"]["loaded"] for r in results.values())
    ok_after = sum(r["after"]["loaded"] for r in results.values())
    changed = sum(r["changed"] for r in results.values())
    record(
        f"package configs: {len(results)} found, autofix changed {changed}; loaded before {ok_before}, "
        f"after {ok_after} (loader: {time.monotonic() - started:.0f} s for {len(manifest)} loads)"
    )
    for key, r in results.items():
        if not r["before"]["loaded"]:
            record(
                f"  does not load before autofix either: {key}: {r['before']['error'].splitlines()[0][:150]}"
            )
    return results


def diff(before: Path, after: Path) -> str:
    out = subprocess.run(["diff", "-u", str(before), str(after)], capture_output=True, text=True)
    return out.stdout[-3000:]


@pytest.mark.parametrize("config", PARAMS)
def test_config_still_loads_after_autofix(config, load_results):
    result = load_results[config_id(config)]
    fix = result["autofix"]
    before_path, after_path = result["paths"]
    if fix.returncode != 0:
        pytest.fail(autofix_failure(fix, after_path), pytrace=False)
    before, after = result["before"], result["after"]
    if not before["loaded"]:
        if after["loaded"]:
            return  # autofix made it load: fine
        pytest.xfail(f"does not load before autofix either: {before['error'][:300]}")
    assert after["loaded"], (
        f"{config_id(config)} loaded before autofix but not after:\n{after['error']}\n"
        f"--- loader log tail ---\n{after.get('log_tail', '')}\n--- autofix diff ---\n{diff(before_path, after_path)}"
    )
