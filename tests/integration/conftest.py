"""Fixtures for the integration suite: the real LiteLLM proxy, a real Redis, a fake upstream.

Run alone:  python -m pytest -m integration tests/integration
Everything runs on 127.0.0.1, inside a private network namespace when the kernel allows it.
Shared helpers live in itest_support.py (tests import that, never this file).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the helpers live next to this file (works with any --import-mode)
    sys.path.insert(0, str(HERE))

import proxy_harness as harness  # noqa: E402
from itest_support import (  # noqa: E402
    MEASUREMENTS,
    PROXY_SPECS,
    ProxyPool,
    autofix_failure,
    pooled_fixture,
    run_autofix,
)

# ------------------------------------------------------------------------------ hooks


def _integration_selected(config) -> bool:
    """Would this run select tests marked `integration`? (Decides on entering the netns early.)"""
    markexpr = config.getoption("markexpr", "") or ""
    if not markexpr:
        return True
    try:
        from _pytest.mark.expression import Expression

        return bool(Expression.compile(markexpr).evaluate(lambda name, **_: name == "integration"))
    except Exception:  # private API changed: decide lazily, at the first integration test
        return False


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "integration: boots the real LiteLLM proxy (needs the litellm venv and redis-server)"
    )
    # A network namespace belongs to a thread and is inherited by what it starts: enter it now,
    # on the main thread, before anything starts a thread or a process.
    if _integration_selected(config) and not harness.missing_prerequisites():
        harness.enter_private_netns()


_HEADER = {"shown": False}


def pytest_report_header(config):
    _HEADER["shown"] = True
    return _status_lines()


def pytest_collection_finish(session):
    """This conftest is loaded after the header was printed when pytest runs from the repo root
    (`pytest -m integration`): then say the same right after collection."""
    if _HEADER["shown"] or not any(item.get_closest_marker("integration") for item in session.items):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        for line in _status_lines():
            reporter.write_line(line)


def _status_lines() -> list[str]:
    iso = harness.isolation()
    problems = harness.missing_prerequisites()
    lines = [
        f"integration: litellm venv {harness.venv_dir()}"
        + (f" (NOT USABLE: {'; '.join(problems)})" if problems else f" (litellm {harness.LITELLM_VERSION})")
    ]
    if iso["mode"] == "netns":
        lines.append(f"integration: network isolation: {iso['detail']}")
    elif iso["mode"] == "host-loopback":
        lines.append(f"integration: network isolation: NONE, host loopback with free ports ({iso['detail']})")
    else:
        lines.append("integration: network isolation: decided at the first integration test")
    return lines


def pytest_terminal_summary(terminalreporter):
    iso = harness.isolation()
    if iso["mode"] is None and not MEASUREMENTS:
        return
    terminalreporter.section("integration")
    if iso["mode"] is not None:
        terminalreporter.write_line(f"network isolation: {iso['mode']}: {iso['detail']}")
    for line in MEASUREMENTS:
        terminalreporter.write_line(line)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def integration_ready():
    """Skip (or, with AUTOFIX_REQUIRE_INTEGRATION=1, fail) when the venv or redis-server is missing."""
    problems = harness.missing_prerequisites()
    if problems:
        message = "integration prerequisites missing: " + "; ".join(problems)
        if harness.integration_required():
            pytest.fail(message + " (AUTOFIX_REQUIRE_INTEGRATION is set)", pytrace=False)
        pytest.skip(message)
    iso = harness.enter_private_netns()  # no-op when pytest_configure already did it
    if iso["mode"] == "broken":
        pytest.fail(iso["detail"], pytrace=False)
    return iso


@pytest.fixture(scope="session")
def redis_server(integration_ready, tmp_path_factory):
    """A real redis-server for the session; .stop()/.start() (same port) for "Redis down" tests.

    Proxies from `proxy_pool` have a Redis of their own (`proxy.redis`, same interface).
    """
    server = harness.RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fix_config(tmp_path_factory):
    """fix_config(src, only="p0") -> a fixed copy of src in a fresh tmp dir.

    Runs `python -m autofix apply --only ONLY COPY` (no --only when ONLY is None); fails the
    test with the CLI's output when it exits non-zero.
    """

    def fix(src: Path, only: str | None = None, name: str | None = None) -> Path:
        src = Path(src)
        workdir = tmp_path_factory.mktemp(f"fixed-{name or src.stem}-{only or 'all'}")
        copy = workdir / src.name
        shutil.copyfile(src, copy)
        result = run_autofix(copy, only=only)
        if result.returncode != 0:
            pytest.fail(autofix_failure(result, copy), pytrace=False)
        return copy

    return fix


@pytest.fixture(scope="session")
def proxy_pool(request, integration_ready, tmp_path_factory, fix_config):
    """Boots the proxies the collected tests need, a batch at a time; stops them all at the end."""
    order = []
    for item in request.session.items:
        order.extend(name for name in item.fixturenames if name in PROXY_SPECS and name not in order)
    batch = int(os.environ.get("AUTOFIX_INTEGRATION_PARALLEL_BOOTS", "2") or 2)
    pool = ProxyPool(tmp_path_factory, fix_config, order, batch)
    yield pool
    pool.stop_all()


for _key in PROXY_SPECS:
    globals()[_key] = pooled_fixture(_key)
