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
