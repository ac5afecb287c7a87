"""`autofix schema`: a valid draft 2020-12 schema that accepts real configs and rejects mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from autofix.registry import select
from autofix.runner import run
from autofix.schema import build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus" / "litellm-1.110.2").glob("*.yaml"))
AFTERS = sorted((ROOT / "fixtures").rglob("*.after.yaml"))
# Where the schema is stricter than LiteLLM (a static schema cannot follow the condition):
STRICTER = {
    "g04_cache_health/cache-off.after.yaml": "cache: false, so LiteLLM never reads cache_params; the schema "
    "checks cache_params.type regardless",
    "g05_logging/audit-webhook.after.yaml": "webhook is defined in callback_settings, which makes it a valid "
    "callback name; a schema cannot check one value against the keys of another section",
    "g05_logging/nested-callback-settings-comments.after.yaml": "the same: webhook is defined in callback_settings",
    "g05_logging/unsafe-sink-top-level-url.after.yaml": "the same: audit_sink is defined in callback_settings",
}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = build()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_cli_prints_the_schema():
    out = subprocess.run(
        [sys.executable, "-m", "autofix", "schema"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    schema = json.loads(out)
    assert schema == json.loads(json.dumps(build()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    router = schema["properties"]["router_settings"]["properties"]
    assert {"enum": sorted(router["routing_strategy"]["anyOf"][0]["enum"])} == {
        "enum": sorted(["simple-shuffle", "least-busy", "usage-based-routing", "latency-based-routing",
                        "cost-based-routing", "usage-based-routing-v2", "lar1"])
    }  # fmt: skip
    assert schema["properties"]["general_settings"]["properties"]["master_key"]["description"]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_wheel_configs_validate(validator, path):
    assert len(CORPUS) == 27
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(yaml.safe_load(path.read_text()))
    ]
    assert not errors


@pytest.mark.parametrize(
    "path", AFTERS, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.after.yaml')}"
)
def test_fixture_afters_validate_or_autofix_reports_the_same_key(validator, path):
    """An after.yaml validates, unless it keeps a mistake on purpose (its case tests that a fix reports it
    and leaves it): then autofix reports every key the schema rejects."""
    data = yaml.safe_load(path.read_text())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    if f"{path.parent.name}/{path.name}" in STRICTER:
        return
    result = run(path.read_bytes(), select(["all"]), unsafe=False)
    reported = {tuple(f.path) for f in result.findings if f.path} | {tuple(c.path) for c in result.changes}
    for error in errors:
        where = list(error.absolute_path)
        if error.validator == "additionalProperties":  # the unknown keys are named in the message
            keys = [k for k in error.instance if k not in error.schema.get("properties", {})]
            spots = [(*where, k)[:2] for k in keys if not _pattern_ok(error.schema, k)]
        else:
            spots = [tuple(where[:2])]
        for spot in spots:
            spot = tuple(spot)
            assert any(r[: len(spot)] == spot or (len(r) > 1 and spot[: len(r)] == r) for r in reported), (
                spot,
                error.message,
            )


def _pattern_ok(schema: dict, key: str) -> bool:
    import re

    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def test_mutations_are_rejected(validator):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mutations import generate

    mutations, _, _ = generate(seed=13, per_config=2)
    assert len(mutations) > 200
    rejected = sum(not validator.is_valid(yaml.safe_load(m.text)) for m in mutations)
    assert rejected / len(mutations) >= 0.85  # the benchmark: 87.0% of 1,088
