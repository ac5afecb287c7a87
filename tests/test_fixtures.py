"""Fixture pairs: apply(before) == after byte for byte, and apply(after) == after (OpenRewrite's two cycles)."""

from pathlib import Path

import pytest
from checks import assert_comments_stay, assert_untouched_sections_identical, fix

from autofix import registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _migration_for(folder: Path):
    for m in registry.all_migrations():
        if m.module is not None and Path(m.module.__file__).stem == folder.name:
            return m
    raise AssertionError(f"no migration module named {folder.name}")


PAIRS = sorted(FIXTURES.glob("*/*.before.yaml"))


def test_every_migration_has_fixture_pairs():
    folders = {p.parent.name for p in PAIRS}
    for m in registry.all_migrations():
        assert Path(m.module.__file__).stem in folders, (
            f"{m.id} has no fixtures/{Path(m.module.__file__).stem}/"
        )


@pytest.mark.parametrize(
    "before", PAIRS, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.before.yaml')}"
)
def test_pair(before: Path):
    after = before.with_name(before.name.replace(".before.yaml", ".after.yaml"))
    m = _migration_for(before.parent)
    unsafe = ".unsafe." in before.name or before.name.startswith("unsafe-")
    result = fix(before.read_bytes(), [m], unsafe=unsafe)
    assert result.new_bytes == after.read_bytes()
    again = fix(after.read_bytes(), [m], unsafe=unsafe)
    assert again.new_bytes == after.read_bytes()
    assert not again.changes
    old, new = before.read_text(), after.read_text()
    assert_untouched_sections_identical(old, new)
    assert_comments_stay(old, new)


def test_unified_fixture_default_selection_is_idempotent():
    from checks import assert_good_fix

    data = (FIXTURES / "litellm-unified.yaml").read_bytes()
    result = assert_good_fix(data, registry.select())
    assert {"G1", "G2", "G3"} <= set(result.applied)
