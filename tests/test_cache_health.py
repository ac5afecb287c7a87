"""G4 cache-health: report-only findings on litellm_settings.cache / cache_params (nothing is written).

Each crash case below was reproduced through the proxy's own `ProxyConfig().load_config()` with
litellm 1.110.2 (tests/integration/load_configs.py): an unknown key with a host, `type: disk`,
`cache_params: null`, no host and no REDIS_* env all abort startup; with `url` or `type: local` an
unknown key is ignored; `cache: "true"` loads without building a cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autofix import registry
from autofix.litellm_data import names
from autofix.runner import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "g04_cache_health"
G4 = registry.find("G4")


def findings(text: str):
    result = run(text.encode(), [G4])
    assert not result.changed and not result.changes  # report only
    return result.findings


def messages(text: str, kind: str | None = None) -> list[str]:
    return [f.message for f in findings(text) if kind is None or f.kind == kind]


def probe_step(found) -> list:
    return [f for f in found if f.manual and "autofix probe --url http://HOST:PORT" in f.manual]


def test_metadata():
    assert (G4.id, G4.slug, G4.priority, G4.safety) == ("G4", "cache-health", "p1", "report")
    assert G4 in registry.select()  # p1 runs by default
    assert "## Fix safety" in G4.doc and "autofix probe" in G4.doc


@pytest.mark.parametrize("before", sorted(FIXTURES.glob("*.before.yaml")), ids=lambda p: p.name)
def test_fixtures_are_report_only(before: Path):
    after = before.with_name(before.name.replace(".before.yaml", ".after.yaml"))
    assert after.read_bytes() == before.read_bytes()
    assert run(before.read_bytes(), [G4]).new_bytes == before.read_bytes()


def test_unknown_keys_abort_startup_with_a_host():
    found = findings((FIXTURES / "unknown-key.before.yaml").read_text())
    warnings = {f.path[-1]: f for f in found if f.kind == "warning"}
    assert set(warnings) == {"default_redis_ttl", "pool_size"}  # type, host, port, db are legal
    ttl = warnings["default_redis_ttl"]
    assert "TypeError: Redis.__init__() got an unexpected keyword argument 'default_redis_ttl'" in ttl.message
    assert "did you mean default_in_redis_ttl?" in ttl.message
    assert ttl.line == 8 and ttl.manual == "remove or rename cache_params.default_redis_ttl"
    assert "did you mean max_connections?" in warnings["pool_size"].message
    assert len(probe_step(found)) == 1


def test_redis_client_and_litellm_redis_keys_are_legal():
    text = """\
litellm_settings:
  cache: true
  cache_params:
    type: redis
    host: h
    port: 1
    password: os.environ/REDIS_PASSWORD
    username: u
    ssl: true
    ssl_cert_reqs: none
    max_connections: 10
    socket_connect_timeout: 2
    socket_timeout: 2
    health_check_interval: 30
    namespace: litellm
    ttl: 60
    default_in_redis_ttl: 60
    redis_flush_size: 10
    max_messages: 8
    gcp_service_account: sa
    azure_redis_ad_token: "false"
    mode: default_off
    supported_call_types: [acompletion]
"""
    assert messages(text, "warning") == []
    assert [f.message for f in findings(text) if not probe_step([f])] == []


def test_every_cache_init_param_is_legal_for_redis():
    params = "\n".join(f"    {p}: 1" for p in sorted(names("cache_init_params")) if p not in ("type",))
    text = f"litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n{params}\n"
    assert messages(text, "warning") == []


def test_unknown_key_is_ignored_with_url_or_cluster_nodes():
    for target in ("url: redis://r:6379", "redis_startup_nodes: [{host: r, port: 7000}]"):
        text = f"litellm_settings:\n  cache: true\n  cache_params:\n    {target}\n    bogus: 1\n"
        found = findings(text)
        assert [f.kind for f in found if f.path and f.path[-1] == "bogus"] == ["info"]
        assert "ignored" in next(f.message for f in found if f.path and f.path[-1] == "bogus")


def test_redis_url_is_fatal_for_type_redis_but_legal_for_redis_semantic():
    redis = "litellm_settings:\n  cache: true\n  cache_params:\n    host: r\n    redis_url: redis://r\n"
    (warning,) = messages(redis, "warning")
    assert "'redis_url'" in warning and "did you mean url?" in warning
    semantic = (
        "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis-semantic\n"
        "    redis_url: redis://r\n    similarity_threshold: 0.8\n"
    )
    assert messages(semantic, "warning") == []


def test_unknown_key_for_s3_fails_in_boto3_and_is_ignored_by_local():
    s3 = "litellm_settings:\n  cache: true\n  cache_params: {type: s3, s3_bucket_name: b, bogus: 1}\n"
    (warning,) = messages(s3, "warning")
    assert "Session.client()" in warning
    local = "litellm_settings:\n  cache: true\n  cache_params: {type: local, bogus: 1}\n"
    assert messages(local, "warning") == []
    assert any("cache_params.bogus is ignored by the local cache" in m for m in messages(local))


def test_disk_type_is_invalid():
    found = findings((FIXTURES / "disk-type.before.yaml").read_text())
    (warning,) = [f for f in found if f.kind == "warning"]
    assert "ValueError: Unsupported cache type 'disk'" in warning.message
    assert "disk cache was removed" in warning.message
    assert warning.path == ("litellm_settings", "cache_params", "type") and warning.line == 4
    for t in names("cache_types"):
        assert t in warning.manual


@pytest.mark.parametrize("kind", sorted(names("cache_types")))
def test_every_valid_type_is_accepted(kind):
    text = f"litellm_settings:\n  cache: true\n  cache_params:\n    type: {kind}\n    host: h\n"
    assert messages(text, "warning") == []


def test_string_true_builds_no_cache():
    found = findings((FIXTURES / "string-true.before.yaml").read_text())
    (warning,) = [f for f in found if f.kind == "warning"]
    assert "'true'" in warning.message and "literal true" in warning.message
    assert warning.manual == "write `cache: true` without quotes" and warning.line == 2


def test_string_true_with_a_bad_key_says_it_would_fail():
    text = 'litellm_settings:\n  cache: "true"\n  cache_params: {host: h, bogus: 1}\n'
    bogus = next(m for m in messages(text, "warning") if "bogus" in m)
    assert "with cache: true the proxy would refuse to start" in bogus


def test_yaml_1_1_yes_is_true():
    found = findings((FIXTURES / "host-only.before.yaml").read_text())
    assert [f.kind for f in found] == ["info"]  # host without port is fine: only the probe step
    assert len(probe_step(found)) == 1


def test_cache_true_without_params_uses_the_environment():
    found = findings((FIXTURES / "env-only.before.yaml").read_text())
    env = [f for f in found if "REDIS_HOST" in f.message]
    assert len(env) == 1 and env[0].kind == "info"
    assert "without cache_params" in env[0].message and "6379" in env[0].message
    assert "Either 'host' or 'url' must be specified for redis." in env[0].message
    assert "REDIS_URL" in env[0].manual
    assert len(probe_step(found)) == 1


def test_params_without_host_or_url_use_the_environment():
    text = "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n    port: 6380\n"
    (env,) = [f for f in findings(text) if "REDIS_HOST" in f.message]
    assert env.kind == "info" and env.message.startswith("cache_params has no host")


@pytest.mark.parametrize(
    "target",
    [
        "host: redis",
        "url: redis://r:6379",
        "startup_nodes: [{host: r, port: 7000}]",
        "redis_startup_nodes: [{host: r, port: 7000}]",
        "sentinel_nodes: [[s, 26379]]\n    service_name: m",
    ],
)
def test_no_env_note_when_a_target_is_given(target):
    text = f"litellm_settings:\n  cache: true\n  cache_params:\n    {target}\n"
    assert not [m for m in messages(text) if "REDIS_HOST" in m]


def test_null_params_abort_startup():
    (warning,) = messages("litellm_settings:\n  cache: true\n  cache_params:\n", "warning")
    assert "not a mapping" in warning and "refuses to start" in warning


def test_no_cache_no_findings():
    assert findings("litellm_settings:\n  json_logs: true\n") == []
    assert findings((FIXTURES / "cache-off.before.yaml").read_text()) == []  # cache: false is deliberate
    assert findings("model_list: []\n") == []


def test_params_without_cache():
    (f,) = findings((FIXTURES / "params-without-cache.before.yaml").read_text())
    assert "no cache is built" in f.message and "cache: true" in f.manual


def test_messages_never_carry_values_of_params():
    text = "litellm_settings:\n  cache: true\n  cache_params:\n    host: h\n    password: hunter2-secret\n    bogus: s3cr3t\n"
    for f in findings(text):
        assert "hunter2" not in f.message + (f.manual or "") and "s3cr3t" not in f.message + (f.manual or "")


def test_default_plan_with_the_other_fixes_stays_report_only():
    data = (FIXTURES / "unknown-key.before.yaml").read_bytes()
    result = run(data, registry.select())
    assert any(f.migration == "G4" for f in result.findings)
