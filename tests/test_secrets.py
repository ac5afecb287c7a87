"""Secrets never reach the output: every mode of the CLI is run on a config full of secrets that sit next
to what the fixes edit (so they are in the diffs' context), and its output is searched for them.
`os.environ/` references stay visible; `--show-secrets` shows everything. Backups and patches are never
more readable than the config."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# every secret is unique, so a leak names itself
SECRETS = {
    "model api_key": "sk-proj-S3CR3T-openai-key",
    "master_key": "sk-S3CR3T-master-key",
    "database_url password": "S3CR3T-db-password",
    "cache_params redis password": "S3CR3T-cache-redis-password",
    "router_settings redis_password": "S3CR3T-router-redis-password",
    "slack_webhook_url": "S3CR3T-slack-hook",
    "langfuse secret key": "sk-lf-S3CR3T-langfuse",
    "OTEL header bearer token": "S3CR3T-otel-bearer",
    "password in a list item": "S3CR3T-list-item-password",
}
# secrets the masking misses today (see the xfail test below): kept apart so the main test stays meaningful
MISSED = {
    "query-string token": "S3CR3T-query-token",
    "password in a flow mapping": "S3CR3T-flow-password",
    "password in a redis:// URL": "S3CR3T-redis-url-password",
    "private key in a block scalar": "S3CR3T-pem-body",
}
REFERENCES = ("os.environ/ANTHROPIC_API_KEY", "os.environ/AZURE_API_KEY", "os.environ/REDIS_USERNAME")

CONFIG = f"""\
# secrets everywhere, each right next to something autofix edits
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: {SECRETS["model api_key"]}
      rpm: 100
  - model_name: claude
    litellm_params:
      model: anthropic/claude-3-5-sonnet-20240620
      api_key: os.environ/ANTHROPIC_API_KEY
  - model_name: azure-gpt
    litellm_params:
      model: azure/gpt-4o
      api_base: https://example-resource.openai.azure.com
      api_key: os.environ/AZURE_API_KEY
  - model_name: snow
    litellm_params:
      model: snowflake/mistral-large
      private_key: |
        -----BEGIN PRIVATE KEY-----
        MIIEv{MISSED["private key in a block scalar"]}
        -----END PRIVATE KEY-----
  - model_name: llama
    litellm_params:
      model: ollama/llama3.1
      api_base: http://127.0.0.1:11434
    model_info:
      basic_auth:
        - user: admin
          password: {SECRETS["password in a list item"]}
general_settings:
  master_key: {SECRETS["master_key"]}
  database_url: postgresql://litellm:{SECRETS["database_url password"]}@db.internal:5432/litellm
  alerting: [slack]
  slack_webhook_url: https://hooks.slack.com/services/T000/B000/{SECRETS["slack_webhook_url"]}
  alert_to_webhook_url:
    llm_exceptions: https://alerts.example.com/hook?token={MISSED["query-string token"]}
litellm_settings:
  cache_params:
    type: redis
    host: redis.internal
    password: {SECRETS["cache_params redis password"]}
  timeout: 30
  x_fallback_cache: {{type: redis, host: redis.internal, password: {MISSED["password in a flow mapping"]}}}
  callbacks: [otel]
router_settings:
  redis_host: redis.internal
  redis_password: {SECRETS["router_settings redis_password"]}
  routing_strategy: usage-based-routing-v2
  redis_url: redis://:{MISSED["password in a redis:// URL"]}@redis.internal:6379/0
  redis_username: os.environ/REDIS_USERNAME
environment_variables:
  LANGFUSE_PUBLIC_KEY: pk-lf-public
  LANGFUSE_SECRET_KEY: {SECRETS["langfuse secret key"]}
  OTEL_HEADERS: "Authorization=Bearer {SECRETS["OTEL header bearer token"]}"
server_settings:
  prometheus:
    port: 9090
"""
WORKERS = 2


def autofix(*args, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autofix", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(cwd)},
        timeout=120,
    )


def _text(r: subprocess.CompletedProcess, streams: str = "out+err") -> str:
    out = r.stdout.decode("utf-8", "replace") if "out" in streams else ""
    err = r.stderr.decode("utf-8", "replace") if "err" in streams else ""
    return out + err


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """Every output mode, run once: mode -> the text to search (stdout and stderr, or stderr alone)."""
    base = tmp_path_factory.mktemp("secrets")

    def copy(name: str) -> Path:
        folder = base / name
        folder.mkdir()
        (folder / "config.yaml").write_text(CONFIG)
        return folder

    preview = copy("preview")
    modes: dict[str, tuple] = {
        "--dry-run": ("--dry-run", "config.yaml"),
        "--check": ("--check", "config.yaml"),
        "--dry-run --unsafe-fixes --only all": (
            "--dry-run",
            "--unsafe-fixes",
            "--only",
            "all",
            "config.yaml",
        ),
        "--format json": ("--dry-run", "--format", "json", "config.yaml"),
        "--format sarif": ("--dry-run", "--format", "sarif", "config.yaml"),
        "--format github": ("--dry-run", "--format", "github", "config.yaml"),
        "--dry-run -": ("--dry-run", "-"),
        "--show-secrets": ("--dry-run", "--show-secrets", "config.yaml"),
    }
    jobs = {mode: (args, preview, None) for mode, args in modes.items()}
    jobs["--dry-run -"] = (modes["--dry-run -"], preview, CONFIG.encode())
    jobs["apply"] = (("apply", "config.yaml"), copy("apply"), None)
    jobs["apply --unsafe-fixes --only all"] = (
        ("apply", "--unsafe-fixes", "--only", "all", "config.yaml"),
        copy("apply-all"),
        None,
    )
    jobs["apply --format json"] = (("apply", "--format", "json", "config.yaml"), copy("apply-json"), None)
    jobs["apply --format github"] = (
        ("apply", "--format", "github", "config.yaml"),
        copy("apply-github"),
        None,
    )
    jobs["apply - (stderr)"] = (("apply", "-"), preview, CONFIG.encode())
    from autofix.registry import all_migrations

    for m in all_migrations():  # `explain` for every fix
        jobs[f"explain {m.id}"] = (("explain", m.id), base, None)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {
            mode: pool.submit(autofix, *args, cwd=cwd, stdin=stdin)
            for mode, (args, cwd, stdin) in jobs.items()
        }
        results = {mode: f.result() for mode, f in futures.items()}
    texts = {}
    for mode, r in results.items():
        assert r.returncode in (0, 1), f"{mode}: exit {r.returncode}: {_text(r)[-1500:]}"
        assert "Traceback" not in _text(r), f"{mode}: {_text(r)[-1500:]}"
        texts[mode] = _text(r, "err" if mode == "apply - (stderr)" else "out+err")
    stdin_out = results["apply - (stderr)"].stdout.decode()
    assert SECRETS["master_key"] in stdin_out, "apply - must print the config itself, secrets and all"
    texts["explain"] = "".join(texts.pop(mode) for mode in list(texts) if mode.startswith("explain "))
    r = autofix("restore", "config.yaml", cwd=base / "apply")
    assert r.returncode == 0, _text(r)
    texts["restore"] = _text(r)
    return texts


MODES = [
    "--dry-run",
    "--check",
    "--dry-run --unsafe-fixes --only all",
    "--format json",
    "--format sarif",
    "--format github",
    "--dry-run -",
    "apply",
    "apply --unsafe-fixes --only all",
    "apply --format json",
    "apply --format github",
    "apply - (stderr)",
    "explain",
    "restore",
]


@pytest.mark.parametrize("mode", MODES)
def test_no_output_mode_shows_a_secret(outputs, mode):
    text = outputs[mode]
    leaked = [name for name, secret in SECRETS.items() if secret in text]
    assert not leaked, f"{mode} shows: {', '.join(leaked)}"


def test_the_diff_has_the_secrets_in_its_context_and_masks_them(outputs):
    """The preview shows the lines that hold them (masked), so the test above is not vacuous."""
    text = outputs["--dry-run"]
    for line in (
        "      api_key: ****",
        "  master_key: ****",
        "  database_url: ****",
        "    password: ****",
        "  redis_password: ****",
        "  slack_webhook_url: ****",
        "  LANGFUSE_SECRET_KEY: ****",
        "  OTEL_HEADERS: ****",
        "          password: ****",
    ):
        assert line in text, f"{line!r} is not in the diff"


def test_environment_references_stay_visible(outputs):
    for mode in ("--dry-run", "--dry-run -"):
        for ref in REFERENCES:
            assert ref in outputs[mode], f"{ref} is hidden in {mode}"


def test_show_secrets_shows_them(outputs):
    text = outputs["--show-secrets"]
    missing = [name for name, secret in {**SECRETS, **MISSED}.items() if secret not in text]
    assert not missing, (
        f"--show-secrets does not show (so the fixture no longer puts them in the diff): {missing}"
    )


@pytest.mark.parametrize("name", list(MISSED))
def test_secrets_the_masking_misses(outputs, name):
    shown = [mode for mode in MODES if MISSED[name] in outputs[mode]]
    assert not shown, f"{name} shows in: {', '.join(shown)}"


@pytest.mark.parametrize("where", ["beside the config", "--backup-dir", "AUTOFIX_BACKUP_DIR"])
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644])
def test_backups_and_patches_are_never_more_readable_than_the_config(tmp_path, mode, where):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    config.chmod(mode)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("AUTOFIX_BACKUP_DIR", None)
    option = []
    if where == "--backup-dir":
        option = ["--backup-dir", "kept"]
    elif where == "AUTOFIX_BACKUP_DIR":
        env["AUTOFIX_BACKUP_DIR"] = "kept"
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "config.yaml", *option],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(config.stat().st_mode) == mode
    top = tmp_path / (".autofix-backups" if where == "beside the config" else "kept")
    (folder,) = [top] if where == "beside the config" else list(top.glob("config.yaml-*"))
    for private in {top, folder}:
        assert stat.S_IMODE(private.stat().st_mode) & 0o077 == 0
    assert (top / ".gitignore").read_text().splitlines()[-1] == "*"
    written = sorted(p for p in folder.iterdir() if p.name != ".gitignore")
    assert {p.suffix for p in written} == {".bak", ".patch", ".json"}
    for path in [*written, top / ".gitignore"]:
        extra = stat.S_IMODE(path.stat().st_mode) & ~mode
        assert not extra, f"{path.name} is {oct(stat.S_IMODE(path.stat().st_mode))}, the config {oct(mode)}"
    assert SECRETS["master_key"] in next(folder.glob("*.patch")).read_text()  # the patch holds the real text
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "restore", "config.yaml", *option],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert r.returncode == 0 and config.read_text() == CONFIG
    for path in folder.iterdir():  # the bytes restore replaced are kept as NAME.STAMP.pre-restore
        extra = stat.S_IMODE(path.stat().st_mode) & ~mode
        assert not extra, f"{path.name} is {oct(stat.S_IMODE(path.stat().st_mode))}, the config {oct(mode)}"
