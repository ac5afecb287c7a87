import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The tests run `autofix` as a user does, as a new process, hundreds of times. Where the environment
# says PYTHONDONTWRITEBYTECODE (some CI images and containers do), each of those processes would compile
# autofix's modules from source again, about 0.15 s of CPU apiece: the processes the tests start
# write their bytecode as Python does by default (into the ignored __pycache__ folders). The pytest
# process itself keeps the setting it started with.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.fixture
def commits(monkeypatch) -> list[bool]:
    """Every Document.commit during the test, in order: True when it had queued edits to apply."""
    from autofix.document import Document

    seen: list[bool] = []
    real = Document.commit

    def counting(self):
        seen.append(bool(self._pending))
        return real(self)

    monkeypatch.setattr(Document, "commit", counting)
    return seen


# The deep runs (every SIGKILL trial, full hypothesis budgets, the biggest hostile files) run with
# AUTOFIX_DEEP=1, as .ci/run does; the default run keeps a representative part of each.
DEEP = os.environ.get("AUTOFIX_DEEP") == "1"


def pytest_collection_modifyitems(config, items):
    if DEEP:
        return
    skip = pytest.mark.skip(reason="a deep run: AUTOFIX_DEEP=1 (as .ci/run) runs it")
    for item in items:
        if "deep" in item.keywords:
            item.add_marker(skip)
