"""The registry and each migration's metadata: every fix documents itself the ruff way."""

from __future__ import annotations

import pytest

from autofix import registry

HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@pytest.mark.parametrize("m", registry.all_migrations(), ids=lambda m: m.id)
def test_doc_has_the_ruff_style_headings_in_order(m):
    positions = [m.doc.find(heading) for heading in HEADINGS]
    assert all(p >= 0 for p in positions), (
        f"{m.id} lacks {[h for h, p in zip(HEADINGS, positions, strict=True) if p < 0]}"
    )
    assert positions == sorted(positions), f"{m.id}: the headings are out of order"
