"""Fixture pairs: apply(before) == after byte for byte, and apply(after) == after (OpenRewrite's two cycles).

Each pair also pins its findings, as ruff snapshots its messages: `<case>.findings.txt` beside
`<case>.after.yaml` holds one line per finding of the first run, `<line>: <id> <kind>: <message>`
(`-` for a finding with no line), so a wrong, moved or vanished finding fails the test. To write the
snapshots again after a deliberate change of wording, run the tests with AUTOFIX_UPDATE_SNAPSHOTS=1
and review the diff of fixtures/.
"""

import os
from pathlib import Path

import pytest
import yaml
from checks import assert_comments_stay, assert_untouched_sections_identical, fix

from autofix import registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
UPDATE_SNAPSHOTS = os.environ.get("AUTOFIX_UPDATE_SNAPSHOTS", "") not in ("", "0")


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
    _check_snapshot(before.with_name(before.name.replace(".before.yaml", ".findings.txt")), result.findings)
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


def _findings_text(findings) -> str:
    lines = []
    for f in findings:
        assert "\n" not in f.message, f"a finding spans lines: {f.message!r}"
        lines.append(f"{f.line if f.line is not None else '-'}: {f.migration} {f.kind}: {f.message}")
    return "".join(line + "\n" for line in lines)


def _check_snapshot(path: Path, findings) -> None:
    text = _findings_text(findings)
    if UPDATE_SNAPSHOTS:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: run the tests with AUTOFIX_UPDATE_SNAPSHOTS=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"the findings differ from {path.name}"


def test_every_snapshot_belongs_to_a_pair():
    for snapshot in FIXTURES.glob("*/*.findings.txt"):
        before = snapshot.with_name(snapshot.name.replace(".findings.txt", ".before.yaml"))
        assert before.exists(), f"{snapshot} has no {before.name}"


def _include_layout(text: str) -> tuple[str, str] | None:
    """The pair's config split as `include:` users write it: its model_list (or, without one, its first
    section) in models.yaml, the rest plus `include: [models.yaml]` in the root. None when the file's
    layout cannot be split that way (flow style at the top, a section not at column 0, ...)."""
    from checks import sections

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix("\ufeff")
    found = sections(text)
    key = "model_list" if "model_list" in found else next(iter(found), None)
    if key is None or text.count(found[key]) != 1:
        return None
    nl = "\r\n" if "\r\n" in text else "\n"
    rest = text.replace(found[key], "", 1)
    root = (
        bom + rest + ("" if not rest or rest.endswith(("\n", "\r")) else nl) + f"include: [models.yaml]{nl}"
    )
    models = found[key] + nl
    try:
        old, r, m = (yaml.safe_load(t) for t in (text, root, models))
    except yaml.YAMLError:
        return None
    if not (isinstance(old, dict) and isinstance(r, dict) and isinstance(m, dict)):
        return None
    r.pop("include")
    if {**r, **m} != old:
        return None
    return root, models


@pytest.mark.parametrize(
    "before", PAIRS, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.before.yaml')}"
)
def test_pair_through_an_include_layout(before: Path, tmp_path: Path):
    """Every pair again, with its model_list in an included file: the merged result is the pair's
    `after`, and a second run changes nothing. No fix may use what only a single file offers."""
    from autofix.discover import read_config
    from autofix.runner import run

    layout = _include_layout(before.read_bytes().decode("utf-8"))
    if layout is None:
        pytest.skip("this layout cannot be split into an include")
    root, models = layout
    (tmp_path / "config.yaml").write_bytes(root.encode())
    (tmp_path / "models.yaml").write_bytes(models.encode())
    after = before.with_name(before.name.replace(".before.yaml", ".after.yaml"))
    m = _migration_for(before.parent)
    unsafe = ".unsafe." in before.name or before.name.startswith("unsafe-")
    main = tmp_path / "config.yaml"

    def once() -> dict:
        result = run(main.read_bytes(), [m], name=str(main), unsafe=unsafe, path=main, read=read_config)
        main.write_bytes(result.new_bytes)
        for inc in result.included:
            Path(inc.path).write_bytes(inc.new_bytes)
        return result

    once()
    merged = yaml.safe_load(main.read_text(encoding="utf-8-sig"))
    merged.pop("include")
    for key, value in yaml.safe_load((tmp_path / "models.yaml").read_text(encoding="utf-8-sig")).items():
        merged[key] = value
    assert merged == (yaml.safe_load(after.read_text(encoding="utf-8-sig")) or {})
    again = once()
    assert not again.changes


def test_include_layouts_cover_nearly_every_pair():
    layouts = [_include_layout(p.read_bytes().decode("utf-8")) for p in PAIRS]
    assert sum(x is not None for x in layouts) >= len(PAIRS) * 0.9
