import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


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
