"""The command line. It parses options, calls the runner and the writer, and prints; no YAML here.

    autofix [PATH...] [--dry-run]      preview: diff, findings, summary; writes nothing
    autofix apply [PATH...]            apply the selected fixes (backup + patch first)
    autofix list | explain ID | restore PATH | --version

Exit codes: 0 nothing left to fix, 1 fixes pending (or findings with --strict), 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COMMANDS = ("check", "apply", "list", "explain", "restore")
EXIT_OK, EXIT_PENDING, EXIT_ERROR = 0, 1, 2


def _version() -> str:
    from autofix import __version__

    return f"autofix {__version__}"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # fast path: no typer import
        print(_version())
        raise SystemExit(0)
    if not args or (args[0] not in COMMANDS and args[0] not in ("--help", "-h")):
        args = ["check", *args]
    app = _build_app()
    app(args=args, prog_name="autofix")


class _Style:
    def __init__(self, stream) -> None:
        self.on = stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.on else text

    def diff(self, text: str) -> str:
        if not self.on:
            return text
        out = []
        for line in text.splitlines(keepends=True):
            if line.startswith(("+++", "---")):
                out.append(self(line.rstrip("\n"), "1") + "\n")
            elif line.startswith("+"):
                out.append(self(line.rstrip("\n"), "32") + "\n")
            elif line.startswith("-"):
                out.append(self(line.rstrip("\n"), "31") + "\n")
            elif line.startswith("@@"):
                out.append(self(line.rstrip("\n"), "36") + "\n")
            else:
                out.append(line)
        return "".join(out)


def _err(message: str) -> None:
    print(
        f"autofix: {message}" if not message.startswith(("autofix", "/", ".")) else message, file=sys.stderr
    )


def process(
    paths: list[Path],
    *,
    only: list[str] | None,
    skip: list[str] | None,
    unsafe: bool,
    write: bool,
    show_secrets: bool,
    strict: bool,
) -> int:
    from autofix import registry
    from autofix.batch import fix_file
    from autofix.discover import default_config
    from autofix.errors import InputError
    from autofix.report import mask_line, unified_diff

    out = sys.stdout
    style = _Style(out)
    try:
        plan = registry.select(only, skip)
    except registry.SelectionError as exc:
        _err(str(exc))
        return EXIT_ERROR
    if not paths:
        try:
            found = default_config()
        except InputError as exc:
            _err(str(exc))
            return EXIT_ERROR
        print(f"autofix: using {found}", file=sys.stderr)
        paths = [found]
    optional = [m for m in registry.all_migrations() if m.priority == "p2" and m not in plan]

    errors = pending = fixed_files = n_fixes = n_findings = 0
    hidden = 0
    optional_ids: set[str] = set()
    for path in paths:
        outcome = fix_file(path, plan, unsafe=unsafe, write=write, optional=optional)
        name = outcome.name
        result = outcome.result
        if outcome.error:
            _err(outcome.error)
            errors += 1
            if result is None or outcome.written is None and write and result.changed:
                continue
        assert result is not None
        optional_ids.update(outcome.optional)
        hidden += sum(len(v) for v in result.hidden_unsafe.values())
        if result.changed:
            n_fixes += len(result.applied)
            if outcome.written is not None:
                written = outcome.written
                fixed_files += 1
                print(style(f"fixed {name}", "1") + f": {', '.join(result.applied)}", file=out)
                print(f"  backup: {written.backup}", file=out)
                print(
                    f"  undo:   autofix restore {name}   (or: patch -R {written.path} < {written.patch})",
                    file=out,
                )
            else:
                pending += 1
                old_text = result.old_bytes.decode("utf-8-sig", "replace")
                new_text = result.new_bytes.decode("utf-8-sig", "replace")
                out.write(style.diff(unified_diff(old_text, new_text, path.name, show_secrets=show_secrets)))
        for f in result.findings:
            n_findings += 1
            where = f"{name}:{f.line}" if f.line else name
            tag = {"warning": "warning", "unsafe": "unsafe", "refused": "refused"}.get(f.kind, "note")
            message = f.message if show_secrets else mask_line(f.message)
            print(f"{where}: {style(f.migration, '1')} {tag}: {message}", file=out)
            if f.manual:
                print(f"    fix by hand: {f.manual if show_secrets else mask_line(f.manual)}", file=out)

    verb = "applied" if write else "would be applied"
    parts = [f"{n_fixes} fix{'es' if n_fixes != 1 else ''} {verb}"]
    if write:
        parts.append(f"{fixed_files} file{'s' if fixed_files != 1 else ''} changed")
    elif pending:
        parts.append(f"{pending} file{'s' if pending != 1 else ''} to change")
    if hidden:
        parts.append(f"{hidden} more fix{'es' if hidden != 1 else ''} with --unsafe-fixes")
    if optional_ids:
        ids = ", ".join(sorted(optional_ids))
        parts.append(
            f"{len(optional_ids)} optional P2 fix{'es' if len(optional_ids) != 1 else ''} available "
            f"with --only p2 ({ids})"
        )
    if n_findings:
        parts.append(f"{n_findings} finding{'s' if n_findings != 1 else ''}")
    if errors:
        parts.append(f"{errors} file{'s' if errors != 1 else ''} refused")
    print(style("; ".join(parts), "1"), file=out)
    if errors:
        return EXIT_ERROR
    if pending or (strict and n_findings):
        return EXIT_PENDING
    return EXIT_OK


def _build_app():
    import typer

    app = typer.Typer(
        add_completion=False,
        no_args_is_help=False,
        rich_markup_mode=None,
        help="Upgrade LiteLLM proxy configs in place: ordered, verified fixes that keep every comment.",
    )

    paths_arg = typer.Argument(
        None, help="Config files (default: config.yaml, litellm_config.yaml, ... here).", show_default=False
    )
    only_opt = typer.Option(
        None, "--only", help="Run only these fixes: p0, p1, p2, ids (G1) or slugs; comma list or repeated."
    )
    skip_opt = typer.Option(None, "--skip", help="Leave out these fixes (same values as --only).")
    unsafe_opt = typer.Option(False, "--unsafe-fixes", help="Also apply fixes that change runtime behaviour.")
    secrets_opt = typer.Option(
        False, "--show-secrets", help="Do not mask api keys, passwords, tokens in output."
    )
    strict_opt = typer.Option(False, "--strict", help="Exit 1 when any finding is reported.")

    def version_cb(value: bool) -> None:
        if value:
            print(_version())
            raise typer.Exit(0)

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", "-V", callback=version_cb, is_eager=True, help="Show the version and exit."
        ),
    ) -> None:
        pass

    @app.command(
        "check", help="Preview the fixes (the default command): diff, findings, summary. Writes nothing."
    )
    def check(
        paths: list[Path] | None = paths_arg,
        dry_run: bool = typer.Option(True, "--dry-run", help="Preview only (always true for this command)."),
        only: list[str] | None = only_opt,
        skip: list[str] | None = skip_opt,
        unsafe_fixes: bool = unsafe_opt,
        show_secrets: bool = secrets_opt,
        strict: bool = strict_opt,
    ) -> None:
        raise typer.Exit(
            process(
                paths or [],
                only=only,
                skip=skip,
                unsafe=unsafe_fixes,
                write=False,
                show_secrets=show_secrets,
                strict=strict,
            )
        )

    @app.command("apply", help="Apply the selected fixes: backup and patch first, then an atomic replace.")
    def apply(
        paths: list[Path] | None = paths_arg,
        dry_run: bool = typer.Option(False, "--dry-run", help="Preview only; write nothing."),
        only: list[str] | None = only_opt,
        skip: list[str] | None = skip_opt,
        unsafe_fixes: bool = unsafe_opt,
        show_secrets: bool = secrets_opt,
        strict: bool = strict_opt,
    ) -> None:
        raise typer.Exit(
            process(
                paths or [],
                only=only,
                skip=skip,
                unsafe=unsafe_fixes,
                write=not dry_run,
                show_secrets=show_secrets,
                strict=strict,
            )
        )

    @app.command("list", help="List every fix with its id, slug, priority, safety and title.")
    def list_() -> None:
        from autofix.registry import all_migrations

        ms = all_migrations()
        print(f"{'id':<5} {'slug':<24} {'priority':<8} {'safety':<7} title")
        for m in ms:
            default = "" if m.priority in ("p0", "p1") else "  (opt-in)"
            print(f"{m.id:<5} {m.slug:<24} {m.priority:<8} {m.safety:<7} {m.title}{default}")

    @app.command("explain", help="Explain one fix: what it does, why, an example, and its safety.")
    def explain(fix: str = typer.Argument(..., help="A fix id (G1) or slug (prometheus).")) -> None:
        from autofix.registry import find, valid_tokens

        m = find(fix)
        if m is None:
            _err(
                f"unknown fix {fix!r}; valid values: {', '.join(t for t in valid_tokens() if t[0].isupper() or '-' in t or t.isalpha() and t not in ('all', 'p0', 'p1', 'p2'))}"
            )
            raise typer.Exit(EXIT_ERROR)
        print(f"# {m.id} {m.slug} ({m.priority}, {m.safety})\n{m.title}\n")
        print(m.doc)

    @app.command("restore", help="Put back the newest autofix backup of a config.")
    def restore(path: Path = typer.Argument(..., help="The config to restore.")) -> None:
        from autofix.errors import InputError
        from autofix.writer import restore as do_restore

        try:
            used = do_restore(path)
        except InputError as exc:
            _err(str(exc.located(str(path))))
            raise typer.Exit(EXIT_ERROR) from None
        print(f"restored {path} from {used}")

    return app
