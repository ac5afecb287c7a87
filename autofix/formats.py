"""Machine-readable output: JSON (per file, per fix, per finding), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autofix.batch import Outcome
from autofix.document import MISSING, format_path
from autofix.migration import Migration
from autofix.secrets import mask_line, mask_value

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


def file_json(o: Outcome, migrations: dict[str, Migration], *, write: bool, show_secrets: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": o.name, "status": status(o, write)}
    if o.error:
        entry["error"] = o.error
    r = o.result
    if r is None:
        return entry
    fixes: dict[str, dict[str, Any]] = {}
    for c in r.changes:
        m = migrations.get(c.migration)
        fix = fixes.setdefault(c.migration, {"id": c.migration, "slug": m.slug if m else "", "title": m.title if m else "",
                                             "changes": []})
        key = c.path[-1] if c.path else None
        fix["changes"].append({
            "path": format_path(c.path),
            "kind": c.kind,
            "old": _jsonable(mask_value(key, c.old, show_secrets)),
            "new": _jsonable(mask_value(key, c.new, show_secrets)),
        })
    entry["fixes"] = list(fixes.values())
    entry["findings"] = [
        {
            "id": f.migration,
            "kind": f.kind,
            "message": f.message if show_secrets else mask_line(f.message),
            "line": f.line,
            "path": f.where or None,
            "manual": (f.manual if show_secrets else mask_line(f.manual)) if f.manual else None,
        }
        for f in r.findings
    ]
    entry["unsafe_fixes_hidden"] = sum(len(v) for v in r.hidden_unsafe.values())
    if o.optional:
        entry["optional_fixes_available"] = list(o.optional)
    if o.written is not None:
        entry["backup"] = str(o.written.backup)
        entry["patch"] = str(o.written.patch)
    return entry


def render_json(outcomes: list[Outcome], migrations: list[Migration], *, write: bool, show_secrets: bool,
                skipped: list[tuple[Path, str]], summary: dict[str, Any]) -> str:
    from autofix import __version__

    by_id = {m.id: m for m in migrations}
    doc = {
        "tool": "autofix",
        "version": __version__,
        "mode": "apply" if write else "check",
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


def render_sarif(outcomes: list[Outcome], migrations: list[Migration], *, write: bool, show_secrets: bool) -> str:
    from autofix import __version__

    rules = [
        {
            "id": m.id,
            "name": m.slug,
            "shortDescription": {"text": m.title},
            "fullDescription": {"text": m.doc.split("## Why")[0].replace("## What it does", "").strip() or m.title},
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
            notifications.append({"level": "error", "message": {"text": o.error},
                                  "locations": [location(o.name, None)] if o.name != "<stdin>" else []})
        r = o.result
        if r is None:
            continue
        done = "applied" if write and o.written is not None else "would apply"
        for mid in r.applied:
            paths = [format_path(c.path) for c in r.changes if c.migration == mid]
            first_line = next((f.line for f in r.findings if f.migration == mid and f.line), None)
            results.append({
                "ruleId": mid,
                **({"ruleIndex": index[mid]} if mid in index else {}),
                "level": "note" if write else "warning",
                "kind": "pass" if write else "fail",
                "message": {"text": f"autofix {done} {mid}: {', '.join(paths[:8])}"},
                "locations": [location(o.name, first_line)],
            })
        for f in r.findings:
            results.append({
                "ruleId": f.migration,
                **({"ruleIndex": index[f.migration]} if f.migration in index else {}),
                "level": "warning" if f.kind in ("warning", "refused") else "note",
                "message": {"text": (f.message if show_secrets else mask_line(f.message))
                            + (f" Fix by hand: {f.manual if show_secrets else mask_line(f.manual)}" if f.manual else "")},
                "locations": [location(o.name, f.line)],
            })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "autofix", "version": __version__, "informationUri":
                            "https://pypi.org/project/litellm-autofix/", "rules": rules}},
        "results": results,
        "invocations": [{"executionSuccessful": not notifications,
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
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
                line = next((f.line for f in r.findings if f.migration == mid and f.line), 1)
                lines.append(f"::warning file={name},line={line},title=autofix {mid}::"
                             f"{_gh_escape(f'{mid} would change this file: run autofix apply --only {mid}')}")
        for f in r.findings:
            level = "warning" if f.kind in ("warning", "refused") else "notice"
            msg = f.message if show_secrets else mask_line(f.message)
            if f.manual:
                msg += f" Fix by hand: {f.manual if show_secrets else mask_line(f.manual)}"
            where = f",line={f.line}" if f.line else ""
            lines.append(f"::{level} file={name}{where},title=autofix {f.migration}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")
