"""scripts/gen_versions.py without the network: the merge of per-release surfaces, the removal
check, and the extractions on a small wheel built here."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import gen_versions as gen  # noqa: E402


def test_ranges_split_on_gaps():
    rel = ["1.1.0", "1.2.0", "1.3.0", "1.4.0"]
    assert gen.ranges([True, True, False, True], rel) == [["1.1.0", "1.2.0"], ["1.4.0", "1.4.0"]]
    assert gen.ranges([False, True, True, True], rel) == [["1.2.0", "1.4.0"]]


def _surface(**names):
    out = {c: {} for c in gen.CATEGORIES}
    for category, values in names.items():
        out[category] = {v: f"litellm/x.py:{i}" for i, v in enumerate(values, 1)}
    return out


def test_merge_marks_a_refactor_lost_and_a_removal_not(monkeypatch):
    rel = ["1.1.0", "1.2.0", "1.3.0"]
    surfaces = [
        _surface(cache_types=["disk", "local"], general_settings=["moved"]),
        _surface(cache_types=["disk", "local"], general_settings=["moved"]),
        _surface(cache_types=["local"]),
    ]
    still = {("1.3.0", "general_settings", "moved"): "litellm/proxy/y.py:7"}
    monkeypatch.setattr(gen, "still_in_source", lambda v, c, n: still.get((v, c, n)))
    monkeypatch.setattr(gen, "REVIEWED", {("cache_types", "disk"): "removed in 1.3"})
    facts = gen.merge(rel, surfaces)
    assert facts["cache_types"]["disk"] == {
        "in": [["1.1.0", "1.2.0"]],
        "src": "litellm/x.py:1",
        "reviewed": "removed in 1.3",
    }
    assert facts["cache_types"]["local"]["in"] == [["1.1.0", "1.3.0"]]
    assert facts["general_settings"]["moved"]["lost"] == "1.3.0 litellm/proxy/y.py:7"


def test_per_minor_takes_final_releases_newest_first():
    found = gen.per_minor(["1.53.1", "1.53.9", "1.54.0rc1", "1.54.0", "1.74.15.post2", "1.74.15", "1.14.4"])
    assert found == {53: ["1.53.9", "1.53.1"], 54: ["1.54.0"], 74: ["1.74.15.post2", "1.74.15"]}


ROUTER = """
class Router:
    def __init__(self, model_list=None, redis_host=None, routing_strategy: Literal["simple-shuffle", "least-busy"] = "simple-shuffle", cache_kwargs={}):
        pass
"""
PROXY = """
class ProxyConfig:
    async def load_config(self, router, config_file_path):
        config = {}
        general_settings = config.get("general_settings", {})
        litellm_settings = config.get("litellm_settings", None)
        for key, value in litellm_settings.items():
            if key == "cache":
                pass
            elif key == "callbacks":
                pass
            else:
                setattr(litellm, key, value)
        x = general_settings.get("master_key")
        router_settings = config.get("router_settings", None)
        for k, v in router_settings.items():
            if k in available_args:
                pass
            elif k in {"health_check_interval"}:
                raise ValueError("no")
"""
INIT = """
from typing import Literal
_custom_logger_compatible_callbacks_literal = Literal["prometheus", "otel"]
num_retries = 3
"""


@pytest.fixture
def wheel(tmp_path) -> Path:
    path = tmp_path / "litellm-1.99.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("litellm/__init__.py", INIT)
        z.writestr("litellm/router.py", ROUTER)
        z.writestr("litellm/proxy/proxy_server.py", PROXY)
        z.writestr("litellm/proxy/_types.py", "class ConfigGeneralSettings:\n    master_key: str = None\n")
        z.writestr(
            "litellm/caching/caching.py",
            "class Cache:\n    def __init__(self, type='local', host=None):\n        pass\n",
        )
        z.writestr(
            "litellm/types/caching.py", "class LiteLLMCacheType:\n    LOCAL = 'local'\n    DISK = 'disk'\n"
        )
        z.writestr(
            "litellm/litellm_core_utils/litellm_logging.py",
            "def set_callbacks(callback_list):\n    for callback in callback_list:\n        if callback == 'sentry':\n            pass\n",
        )
    return path


def test_extractions_read_the_wheel_without_importing(wheel):
    r = gen.Release("1.99.0", wheel)
    assert set(gen.router_settings(r)) == {"redis_host", "routing_strategy", "cache_kwargs"}
    assert set(gen.router_settings_fatal(r)) == {"health_check_interval"}
    assert set(gen.litellm_settings_special(r)) == {"cache", "callbacks"}
    assert set(gen.top_level_sections(r)) == {"general_settings", "litellm_settings", "router_settings"}
    assert set(gen.settings(r)["general_settings"]) == {"master_key"}
    assert set(gen.callbacks(r)["callbacks_custom_logger"]) == {"prometheus", "otel"}
    assert set(gen.callbacks(r)["callbacks_legacy"]) == {"sentry"}
    values = gen.value_sets(r)
    assert set(values["cache_types"]) == {"local", "disk"}
    assert set(values["cache_init_params"]) == {"type", "host"}
    assert set(values["routing_strategies"]) == {"simple-shuffle", "least-busy"}
    assert "num_retries" in gen.module_names(r)["litellm_module_globals"]
