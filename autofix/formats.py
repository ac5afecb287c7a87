"""Machine-readable output: JSON (per file, per fix, per finding), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autofix.batch import Outcome
from autofix.changes import MISSING, format_path
from autofix.migration import Migration
from autofix.secrets import mask_line, mask_value

# Which text a finding's line counts in: the file as it is on disk before autofix writes anything.
LINES_PREVIEW = "the files as they are on disk (nothing was written)"
LINES_APPLY = "the files as they were before the fixes (their backups), not the fixed files"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _jsonable(value: Any) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def status(o: Outcome, write: bool) -> str:
    if o.error and (o.result is None or not o.written):
        return "error"
    if o.result is None or not o.result.changed:
        return "clean"
    return "fixed" if write and o.written is not None else "pending"


def file_json(
    o: Outcome, migrations: dict[str, Migration], *, write: bool, show_secrets: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": o.name, "status": status(o, write)}
    if o.error:
        entry["error"] = o.error
    r = o.result
    if r is None:
        return entry
    fixes: dict[str, dict[str, Any]] = {}
    for c in r.changes:
        m = migrations.get(c.migration)
        fix = fixes.setdefault(
            c.migration,
            {
                "id": c.migration,
                "slug": m.slug if m else "",
                "title": m.title if m else "",
                "files": r.files_of(c.migration),
                "changes": [],
            },
        )
        key = c.path[-1] if c.path else None
        fix["changes"].append(
            {
                "path": format_path(c.path),
                "kind": c.kind,
                "old": _jsonable(mask_value(key, c.old, show_secrets)),
                "new": _jsonable(mask_value(key, c.new, show_secrets)),
            }
        )
    entry["fixes"] = list(fixes.values())
    entry["findings"] = [
        {
            "id": f.migration,
            "kind": f.kind,
            "message": f.message if show_secrets else mask_line(f.message),
            "file": f.file or o.name,
            "line": f.line,
            "path": f.where or None,
            "manual": (f.manual if show_secrets else mask_line(f.manual)) if f.manual else None,
            "blocks_startup": f.blocks_startup,
        }
        for f in r.findings
    ]
    entry["unsafe_fixes_hidden"] = sum(len(v) for v in r.hidden_unsafe.values())
    if o.optional:
        entry["optional_fixes_available"] = list(o.optional)
    partly = o.error is not None and o.written is None  # stopped by an error after saving some included files
    files = [str(w.path) for w in o.written_files()] if partly else o.changed_names()
    entry["changed_files" if write else "files_to_change"] = files
    if o.written is not None:
        entry["backup"] = str(o.written.backup)
        entry["patch"] = str(o.written.patch)
    if o.written_files():
        entry["backups"] = [
            {"file": str(w.path), "backup": str(w.backup), "patch": str(w.patch)} for w in o.written_files()
        ]
    return entry


def render_json(
    outcomes: list[Outcome],
    migrations: list[Migration],
    *,
    write: bool,
    show_secrets: bool,
    skipped: list[tuple[Path, str]],
    summary: dict[str, Any],
) -> str:
    from autofix import __version__

    by_id = {m.id: m for m in migrations}
    doc = {
        "tool": "autofix",
        "version": __version__,
        "mode": "apply" if write else "check",
        "lines_refer_to": LINES_APPLY if write else LINES_PREVIEW,
        "files": [file_json(o, by_id, write=write, show_secrets=show_secrets) for o in outcomes],
        "skipped": [{"path": str(p), "reason": why} for p, why in skipped],
        "summary": summary,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _uri(name: str) -> str:
    path = Path(name)
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def render_sarif(
    outcomes: list[Outcome], migrations: list[Migration], *, write: bool, show_secrets: bool
) -> str:
    from autofix import __version__

    rules = [
        {
            "id": m.id,
            "name": m.slug,
            "shortDescription": {"text": m.title},
            "fullDescription": {
                "text": m.doc.split("## Why")[0].replace("## What it does", "").strip() or m.title
            },
            "help": {"text": m.doc, "markdown": m.doc},
            "properties": {"priority": m.priority, "safety": m.safety},
        }
        for m in migrations
    ]
    index = {m.id: i for i, m in enumerate(migrations)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []

    def location(name: str, line: int | None) -> dict[str, Any]:
        loc: dict[str, Any] = {"artifactLocation": {"uri": _uri(name)}}
        if line:
            loc["region"] = {"startLine": line}
        return {"physicalLocation": loc}

    for o in outcomes:
        if o.error:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": o.error},
                    "locations": [location(o.name, None)] if o.name != "<stdin>" else [],
                }
            )
        r = o.result
        if r is None:
            continue
        done = "applied" if write and o.written is not None else "would apply"
        for mid in r.applied:
            paths = [format_path(c.path) for c in r.changes if c.migration == mid]
            first_file, first_line = r.where.get(mid, (None, None))
            first_file = first_file or o.name
            files = r.files_of(mid) or [o.name]
            files = sorted(files, key=lambda name: name != first_file)  # the file of its first change first
            lines = {
                name: first_line
                if name == first_file
                else next(
                    (
                        f.line
                        for f in r.findings
                        if f.migration == mid and f.line and (f.file or o.name) == name
                    ),
                    None,
                )
                for name in files
            }
            results.append(
                {
                    "ruleId": mid,
                    **({"ruleIndex": index[mid]} if mid in index else {}),
                    "level": "note" if write else "warning",
                    "kind": "pass" if write else "fail",
                    "message": {
                        "text": f"autofix {done} {mid} in {', '.join(files)}: {', '.join(paths[:8])}"
                    },
                    "locations": [location(name, line) for name, line in lines.items()],
                }
            )
        for f in r.findings:
            results.append(
                {
                    "ruleId": f.migration,
                    **({"ruleIndex": index[f.migration]} if f.migration in index else {}),
                    "level": "error"
                    if f.blocks_startup
                    else "warning"
                    if f.kind in ("warning", "refused")
                    else "note",
                    "message": {
                        "text": (f.message if show_secrets else mask_line(f.message))
                        + (
                            f" Fix by hand: {f.manual if show_secrets else mask_line(f.manual)}"
                            if f.manual
                            else ""
                        )
                    },
                    "locations": [location(f.file or o.name, f.line)],
                }
            )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "autofix",
                "version": __version__,
                "informationUri": "https://pypi.org/project/litellm-autofix/",
                "rules": rules,
            }
        },
        "results": results,
        "properties": {"linesReferTo": LINES_APPLY if write else LINES_PREVIEW},
        "invocations": [
            {
                "executionSuccessful": not notifications,
                **({"toolExecutionNotifications": notifications} if notifications else {}),
            }
        ],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(outcomes: list[Outcome], *, write: bool, show_secrets: bool) -> str:
    """GitHub Actions workflow commands: one annotation per pending fix, finding and error."""
    lines = []
    for o in outcomes:
        name = _gh_escape(o.name, prop=True)
        if o.error:
            lines.append(f"::error file={name},title=autofix::{_gh_escape(o.error)}")
        r = o.result
        if r is None:
            continue
        if r.changed and not (write and o.written is not None):
            for mid in r.applied:
                first_file, first_line = r.where.get(mid, (None, None))
                first_file = first_file or o.name
                for changed in r.files_of(mid) or [o.name]:
                    line = (
                        first_line
                        if changed == first_file
                        else next(
                            (
                                f.line
                                for f in r.findings
                                if f.migration == mid and f.line and (f.file or o.name) == changed
                            ),
                            None,
                        )
                    )
                    at = f",line={line}" if line else ""
                    via = f" (included by {o.name})" if changed != o.name else ""
                    lines.append(
                        f"::warning file={_gh_escape(changed, prop=True)}{at},title=autofix {mid}::"
                        + _gh_escape(
                            f"{mid} would change this file{via}: run autofix apply --only {mid} {o.name}"
                        )
                    )
        for f in r.findings:
            level = (
                "error" if f.blocks_startup else "warning" if f.kind in ("warning", "refused") else "notice"
            )
            msg = f.message if show_secrets else mask_line(f.message)
            if f.manual:
                msg += f" Fix by hand: {f.manual if show_secrets else mask_line(f.manual)}"
            where = f",line={f.line}" if f.line else ""
            file = _gh_escape(f.file, prop=True) if f.file else name
            lines.append(f"::{level} file={file}{where},title=autofix {f.migration}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")
