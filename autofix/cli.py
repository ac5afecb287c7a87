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

COMMANDS = ("check", "apply", "list", "explain", "restore", "probe", "schema")
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
    import gc

    # A config becomes hundreds of thousands of small objects; at the default thresholds the cyclic
    # collector runs full passes over all of them again and again (measured: 2.7x slower at 10,000
    # models). Collect less often; nothing autofix allocates per file lives on in cycles.
    gc.set_threshold(100_000, 50, 100)
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


def _worker(args: tuple[Path, tuple[str, ...], bool, bool, tuple[str, ...]]):
    """Runs in a worker process for --jobs: migrations are passed by id, not pickled."""
    from autofix import registry
    from autofix.batch import fix_file

    path, ids, unsafe, write, optional_ids = args
    by_id = {m.id: m for m in registry.all_migrations()}
    return fix_file(path, [by_id[i] for i in ids], unsafe=unsafe, write=write,
                    optional=[by_id[i] for i in optional_ids])


def _outcomes(files: list[Path], plan, optional, *, unsafe: bool, write: bool, jobs: int, progress: bool):
    """Yield each file's Outcome, in the order given; in worker processes with --jobs N > 1."""
    from autofix.batch import fix_file
    from autofix.discover import STDIN

    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("autofix"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       transient=True, console=None)
        bar.start()
        task = bar.add_task("files", total=len(files))
    try:
        parallel = [f for f in files if f != STDIN]
        if jobs > 1 and len(parallel) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ids = tuple(m.id for m in plan)
            opt = tuple(m.id for m in optional)
            ctx = multiprocessing.get_context("fork")
            chunk = max(1, len(files) // (jobs * 16))
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                args = [(f, ids, unsafe, write, opt) for f in files]
                for outcome in pool.map(_worker, args, chunksize=chunk):
                    if bar:
                        bar.advance(task)
                    yield outcome
        else:
            for f in files:
                outcome = fix_file(f, plan, unsafe=unsafe, write=write, optional=optional)
                if bar:
                    bar.advance(task)
                yield outcome
    finally:
        if bar:
            bar.stop()


def process(
    args: list[str],
    *,
    only: list[str] | None,
    skip: list[str] | None,
    unsafe: bool,
    write: bool,
    show_secrets: bool,
    strict: bool,
    check: bool = False,
    fmt: str = "text",
    jobs: int = 1,
    litellm_only: bool = False,
) -> int:
    from autofix import registry
    from autofix.discover import STDIN, default_config, expand
    from autofix.errors import InputError
    from autofix.report import unified_diff
    from autofix.secrets import mask_line

    out = sys.stdout
    style = _Style(out)
    if fmt not in ("text", "json", "sarif", "github"):
        _err(f"unknown --format {fmt!r}; valid values: text, json, sarif, github")
        return EXIT_ERROR
    try:
        plan = registry.select(only, skip)
    except registry.SelectionError as exc:
        _err(str(exc))
        return EXIT_ERROR
    if not args:
        try:
            found = default_config()
        except InputError as exc:
            _err(str(exc))
            return EXIT_ERROR
        print(f"autofix: using {found}", file=sys.stderr)
        args = [str(found)]
    targets = expand(args)
    if litellm_only:
        from autofix.discover import looks_like_litellm_config

        for path in [f for f in targets.files if f != STDIN]:
            why = looks_like_litellm_config(path) if path.is_file() else None
            if why:
                targets.files.remove(path)
                targets.skipped.append((path, why))
    files = targets.files
    to_stdout = write and STDIN in files
    if to_stdout and (len(files) > 1 or fmt != "text"):
        _err("'-' (stdin to stdout) must be the only path, with the text format")
        return EXIT_ERROR
    optional = [m for m in registry.all_migrations() if m.priority == "p2" and m not in plan]
    text = fmt == "text" and not to_stdout
    msg_out = sys.stderr if to_stdout else out

    errors = len(targets.errors)
    for exc in targets.errors:
        _err(str(exc))
    for arg in args:
        path = Path(arg)
        if arg != "-" and path.is_dir() and not any(f.is_relative_to(path) for f in files):
            _err(f"{arg}: no LiteLLM config under this folder")
            errors += 1
    if text:
        for path, why in targets.skipped:
            print(f"skipped {path}: {why}", file=msg_out)

    pending = fixed_files = n_fixes = n_findings = hidden = 0
    optional_ids: set[str] = set()
    outcomes = []
    progress = text and len(files) >= 8 and sys.stderr.isatty()
    for outcome in _outcomes(files, plan, optional, unsafe=unsafe, write=write and not to_stdout, jobs=jobs,
                             progress=progress):
        outcomes.append(outcome)
        name = outcome.name
        result = outcome.result
        if outcome.error:
            _err(outcome.error)
            errors += 1
        if result is None or (outcome.error and write and outcome.written is None):
            continue
        optional_ids.update(outcome.optional)
        hidden += sum(len(v) for v in result.hidden_unsafe.values())
        if result.changed:
            n_fixes += len(result.applied)
            if to_stdout:
                sys.stdout.buffer.write(result.new_bytes)
                sys.stdout.flush()
            elif outcome.written is not None:
                fixed_files += 1
                if text:
                    print(style(f"fixed {name}", "1") + f": {', '.join(result.applied)}", file=out)
                    for written in [outcome.written, *outcome.written_included]:
                        if written is outcome.written and written in outcome.written_included:
                            continue
                        print(f"  backup: {written.backup}", file=out)
                        print(f"  undo:   autofix restore {written.path}   (or: patch -R {written.path} < "
                              f"{written.patch})", file=out)
            else:
                pending += 1
                if text and check:
                    print(f"would fix {name}: {', '.join(result.applied)}", file=out)
                elif text:
                    label = "stdin" if outcome.path == STDIN else outcome.path.name
                    shown = [(label, result.old_bytes, result.new_bytes)]
                    shown += [(str(i.path), i.old_bytes, i.new_bytes) for i in result.included if i.changed]
                    for label, old, new in shown:
                        out.write(style.diff(unified_diff(old.decode("utf-8-sig", "replace"),
                                                          new.decode("utf-8-sig", "replace"), label,
                                                          show_secrets=show_secrets)))
        elif to_stdout:
            sys.stdout.buffer.write(result.new_bytes)
            sys.stdout.flush()
        for f in result.findings:
            n_findings += 1
            if not (text or to_stdout) or (check and not strict):
                continue  # --check is one line a file; the findings are counted in the summary
            where = f.file or name
            where = f"{where}:{f.line}" if f.line else where
            tag = {"warning": "warning", "unsafe": "unsafe", "refused": "refused"}.get(f.kind, "note")
            message = f.message if show_secrets else mask_line(f.message)
            print(f"{where}: {style(f.migration, '1')} {tag}: {message}", file=msg_out)
            if f.manual:
                print(f"    fix by hand: {f.manual if show_secrets else mask_line(f.manual)}", file=msg_out)

    summary = {
        "files": len(files), "fixes": n_fixes, "files_changed": fixed_files, "files_pending": pending,
        "unsafe_fixes_hidden": hidden,
        "optional_fixes_available": [m.id for m in registry.all_migrations() if m.id in optional_ids],
        "findings": n_findings, "errors": errors, "skipped": len(targets.skipped),
    }
    if fmt == "json":
        from autofix.formats import render_json

        out.write(render_json(outcomes, list(registry.all_migrations()), write=write, show_secrets=show_secrets,
                              skipped=targets.skipped, summary=summary))
    elif fmt == "sarif":
        from autofix.formats import render_sarif

        out.write(render_sarif(outcomes, list(registry.all_migrations()), write=write, show_secrets=show_secrets))
    elif fmt == "github":
        from autofix.formats import render_github

        out.write(render_github(outcomes, write=write, show_secrets=show_secrets))

    if fmt == "text":
        verb = "applied" if write else "would be applied"
        parts = [f"{n_fixes} fix{'es' if n_fixes != 1 else ''} {verb}"]
        if len(files) > 1:
            parts.append(f"{len(files)} files")
        if write and not to_stdout:
            parts.append(f"{fixed_files} file{'s' if fixed_files != 1 else ''} changed")
        elif pending:
            parts.append(f"{pending} file{'s' if pending != 1 else ''} to change")
        if hidden:
            parts.append(f"{hidden} more fix{'es' if hidden != 1 else ''} with --unsafe-fixes")
        if optional_ids:
            order = {m.id: i for i, m in enumerate(registry.all_migrations())}
            ids = ", ".join(sorted(optional_ids, key=lambda i: order.get(i, 0)))
            parts.append(f"{len(optional_ids)} optional P2 fix{'es' if len(optional_ids) != 1 else ''} available "
                         f"with --only p2 ({ids})")
        if n_findings:
            parts.append(f"{n_findings} finding{'s' if n_findings != 1 else ''}")
        if targets.skipped:
            parts.append(f"{len(targets.skipped)} skipped")
        if errors:
            parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        print(style("; ".join(parts), "1"), file=msg_out)
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
        None,
        help="Config files, folders (searched for LiteLLM configs), globs, or - for stdin "
        "(default: config.yaml, litellm_config.yaml, ... here).",
        show_default=False,
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
    format_opt = typer.Option("text", "--format", help="Output: text, json, sarif (2.1.0) or github (annotations).")
    jobs_opt = typer.Option(1, "--jobs", "-j", min=1, help="Process files in this many worker processes.")
    litellm_only_opt = typer.Option(False, "--litellm-only",
                                    help="Skip named files that do not look like LiteLLM configs (for pre-commit).")

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

    def fix_command(name: str, help_text: str, writes: bool):
        """`check` (the default: preview) and `apply` take the same options; only `apply` writes."""

        def command(
            paths: list[str] | None = paths_arg,
            dry_run: bool = typer.Option(not writes, "--dry-run", help="Preview only; write nothing."),
            check: bool = typer.Option(False, "--check", help="No diff: name the files that would change; exit 1 if any."),
            only: list[str] | None = only_opt,
            skip: list[str] | None = skip_opt,
            unsafe_fixes: bool = unsafe_opt,
            show_secrets: bool = secrets_opt,
            strict: bool = strict_opt,
            fmt: str = format_opt,
            jobs: int = jobs_opt,
            litellm_only: bool = litellm_only_opt,
        ) -> None:
            raise typer.Exit(process(paths or [], only=only, skip=skip, unsafe=unsafe_fixes,
                                     write=writes and not (dry_run or check), show_secrets=show_secrets,
                                     strict=strict, check=check, fmt=fmt, jobs=jobs, litellm_only=litellm_only))

        app.command(name, help=help_text)(command)

    fix_command("check", "Preview the fixes (the default command): diff, findings, summary. Writes nothing.", False)
    fix_command("apply", "Apply the selected fixes: backup and patch first, then an atomic replace.", True)

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

    @app.command("schema", help="Print a JSON Schema (draft 2020-12) of the LiteLLM config, for editors.")
    def schema() -> None:
        import json

        from autofix.schema import build

        print(json.dumps(build(), indent=1, ensure_ascii=False))

    @app.command("probe", help="Check a running proxy: liveliness, readiness, /cache/ping, /metrics.")
    def probe_cmd(
        url: str = typer.Option("http://127.0.0.1:4000", "--url", help="The proxy's base URL."),
        key_env: str = typer.Option("LITELLM_MASTER_KEY", "--key-env", help="Env var holding the master key."),
        fmt: str = typer.Option("text", "--format", help="text or json"),
        config: Path | None = typer.Option(None, "--config", help="The proxy's config: decides what must be healthy."),
        timeout: float = typer.Option(5.0, "--timeout", help="Seconds per request."),
    ) -> None:
        from autofix.probe import probe_command

        raise typer.Exit(probe_command(url, key_env, fmt, config, timeout))

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
