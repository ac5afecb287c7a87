"""The command line. It parses options, calls the runner and the writer, and prints; no YAML here.

    autofix [PATH...] [--dry-run]      preview: diff, findings, summary; writes nothing
    autofix apply [PATH...]            apply the selected fixes (backup + patch first)
    autofix list | explain ID | restore PATH | --version

Exit codes: 0 nothing left to fix, 1 fixes pending or a problem that stops the proxy from starting remains (or
findings with --strict), 2 usage or input error.
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


HELP = ("help", "--help", "-h")


def _typo(word: str) -> str | None:
    """The command a mistyped first word was meant to be (`aply` → apply), when it is no file either."""
    import difflib

    if (
        word.startswith("-")
        or "/" in word
        or "." in word
        or any(c in word for c in "*?[")
        or Path(word).exists()
    ):
        return None
    close = difflib.get_close_matches(word.lower(), [*COMMANDS, "help"], n=1, cutoff=0.6)
    return close[0] if close else None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # fast path: no typer import
        print(_version())
        raise SystemExit(0)
    if args[:1] == ["help"]:
        args = [*args[1:], "--help"] if len(args) > 1 else ["--help"]
    if args and args[0] not in COMMANDS and args[0] not in HELP:
        meant = _typo(args[0])
        if meant:
            _err(f"unknown command {args[0]!r}; did you mean {meant!r}? (commands: {', '.join(COMMANDS)})")
            raise SystemExit(EXIT_ERROR)
    implicit = not args or (args[0] not in COMMANDS and args[0] not in HELP)
    if implicit:
        args = ["check", *args]
    import gc

    # A config becomes hundreds of thousands of small objects; at the default thresholds the cyclic
    # collector runs full passes over all of them again and again (measured: 2.7x slower at 10,000
    # models). Collect less often; nothing autofix allocates per file lives on in cycles.
    gc.set_threshold(100_000, 50, 100)
    import typer

    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    command = typer.main.get_command(_build_app())
    try:
        code = command.main(args=args, prog_name="autofix", standalone_mode=False)
    except (SystemExit, KeyboardInterrupt):
        raise
    except usage_error as exc:
        where = "autofix" if exc.ctx is None or implicit else exc.ctx.command_path
        hint = "autofix --help" if where in ("autofix", "autofix check") else f"{where} --help"
        _err(f"{where}: {exc.format_message().rstrip('.')} (see '{hint}')")
        code = EXIT_ERROR
    except typer.Abort:
        code = 130
    except Exception as exc:  # a bug outside any one file's run: one line, exit 2
        from autofix.errors import InternalError

        err = InternalError(exc)
        _err(f"{err}; run with --debug (or AUTOFIX_DEBUG=1) for the traceback")
        if _debug(args):
            print(err.traceback, file=sys.stderr, end="")
        code = EXIT_ERROR
    raise SystemExit(code if isinstance(code, int) else 0)


def _debug(args: list[str] | None = None) -> bool:
    """--debug, or AUTOFIX_DEBUG set to anything but empty/0: show the traceback of an internal error."""
    return "--debug" in (args or []) or os.environ.get("AUTOFIX_DEBUG", "") not in ("", "0")


def _err(message: str) -> None:
    print(
        f"autofix: {message}" if not message.startswith(("autofix", "/", ".")) else message, file=sys.stderr
    )


def _worker(args: tuple[Path, tuple[str, ...], bool, bool, tuple[str, ...], bool, bool, bool, str]):
    """Runs in a worker process for --jobs: migrations are passed by id, not pickled."""
    from autofix import registry, versions
    from autofix.batch import fix_file

    path, ids, unsafe, write, optional_ids, edit_outside, assume, preview, target = args
    versions.use(target)
    by_id = {m.id: m for m in registry.all_migrations()}
    return fix_file(
        path,
        [by_id[i] for i in ids],
        unsafe=unsafe,
        write=write,
        optional=[by_id[i] for i in optional_ids],
        edit_outside=edit_outside,
        assume_litellm=assume,
        preview=preview,
    )


class _Stopped(KeyboardInterrupt):
    """Ctrl-C during a --jobs run: the outcomes of the files the workers finished."""

    def __init__(self, outcomes: list) -> None:
        super().__init__()
        self.outcomes = outcomes


def _interrupted(files: list[Path], outcomes: list, exc: KeyboardInterrupt, write: bool) -> int:
    """Ctrl-C: one line saying what was written and what was not; exit 130."""
    from autofix.batch import Interrupted

    seen = {o.path: o for o in outcomes}
    late = [exc.outcome] if isinstance(exc, Interrupted) else getattr(exc, "outcomes", [])
    seen.update({o.path: o for o in late})
    if not write:
        _err(f"interrupted: nothing was written (a preview); {len(seen)} of {len(files)} files checked")
        return 130
    from autofix import batch
    from autofix.writer import target_of

    wrote = [o for o in seen.values() if o.written is not None]
    log = [w.path for w in batch.written_log]  # also what was written just before its outcome came back
    log += [p for o in wrote for p in (o.written.path, *(w.path for w in o.written_included))]
    names = [str(p) for p in dict.fromkeys(log)]
    rest = [f for f in files if f not in {o.path for o in wrote} and target_of(f) not in set(log)]

    def some(items: list) -> str:
        return ", ".join(map(str, items[:3])) + (f" and {len(items) - 3} more" if len(items) > 3 else "")

    done = (
        f"wrote {len(names)} file{'s' if len(names) != 1 else ''} ({some(names)}; backups made)"
        if names
        else ("wrote nothing")
    )
    left = f"{len(rest)} not written ({some(rest)})" if rest else "every file written"
    _err(f"interrupted: {done}; {left}; no file is left half-written")
    return 130


def _outcomes(
    files: list[Path],
    plan,
    optional,
    *,
    unsafe: bool,
    write: bool,
    jobs: int,
    progress: bool,
    edit_outside: bool = False,
    assume_litellm: bool = False,
    preview: bool = False,
):
    """Yield each file's Outcome, in the order given; in worker processes with --jobs N > 1."""
    from autofix.batch import fix_file
    from autofix.discover import STDIN

    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            TextColumn("autofix"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
            console=None,
        )
        bar.start()
        task = bar.add_task("files", total=len(files))
    try:
        parallel = [f for f in files if f != STDIN]
        if jobs > 1 and len(parallel) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from autofix import versions

            ids = tuple(m.id for m in plan)
            opt = tuple(m.id for m in optional)
            ctx = multiprocessing.get_context("fork")
            # Ctrl-C reaches the workers too: each finishes the file it is writing (batch holds the
            # interrupt back meanwhile); the files not started are cancelled
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
            futures = [
                pool.submit(
                    _worker,
                    (f, ids, unsafe, write, opt, edit_outside, assume_litellm, preview, versions.target()),
                )
                for f in files
            ]
            try:
                for future in futures:
                    outcome = future.result()
                    if bar:
                        bar.advance(task)
                    yield outcome
            except KeyboardInterrupt:
                pool.shutdown(wait=True, cancel_futures=True)
                done = [
                    f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None
                ]
                raise _Stopped(done) from None
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            for f in files:
                outcome = fix_file(
                    f,
                    plan,
                    unsafe=unsafe,
                    write=write,
                    optional=optional,
                    edit_outside=edit_outside,
                    assume_litellm=assume_litellm,
                    preview=preview,
                )
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
    quiet: bool = False,
    verbose: bool = False,
    fmt: str = "text",
    jobs: int = 1,
    litellm_only: bool = False,
    edit_outside: bool = False,
    debug: bool = False,
    assume_litellm: bool = False,
    target_version: str | None = None,
    from_version: str | None = None,
    console=None,
) -> int:
    """Check or apply; `console` (a rich Console) takes the text output instead of stdout."""
    from autofix import registry, writer
    from autofix.discover import STDIN, default_config, expand
    from autofix.errors import InputError

    out = sys.stdout
    if fmt not in ("text", "json", "sarif", "github"):
        _err(f"unknown --format {fmt!r}; valid values: text, json, sarif, github")
        return EXIT_ERROR
    from autofix import versions

    try:
        target = versions.use(target_version)
        since = versions.resolve(from_version) if from_version else None
        if since is not None and versions.key(since) >= versions.key(target):
            raise versions.VersionError(
                f"--from-version {from_version} is not older than the target {target}"
            )
        plan = registry.select(only, skip, target=target, since=since)
    except (registry.SelectionError, versions.VersionError) as exc:
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
    default = registry.select(None, None, target=target)
    optional = [
        m
        for m in registry.all_migrations()
        if m not in plan and (m.priority == "p2" or m in default) and since is None
    ]
    report = None
    if fmt == "text":
        import shlex

        from autofix.text import TextReport

        report = TextReport(
            sys.stderr if to_stdout else out,
            write=write,
            quiet=quiet,
            verbose=verbose,
            strict=strict,
            show_secrets=show_secrets,
            diffs=not to_stdout,
            labels={m.id: m.slug for m in registry.all_migrations()},
            rerun=" ".join(shlex.quote(a) for a in args),
            con=console,
        )

    errors = len(targets.errors)
    for exc in targets.errors:
        _err(str(exc))
    for arg in args:
        path = Path(arg)
        if arg != "-" and path.is_dir() and not any(f.is_relative_to(path) for f in files):
            _err(f"{arg}: no LiteLLM config under this folder")
            errors += 1
    if report:
        for path, why in targets.skipped:
            report.skipped(path, why)

    pending = fixed_files = n_fixes = n_findings = hidden = not_starting = 0
    touched: list[str] = []  # every file changed (apply) or to change (preview), included files too
    optional_ids: set[str] = set()
    outcomes = []
    notes: list[str] = []  # where backups go, once for each backup folder this run created
    progress = report is not None and not to_stdout and len(files) >= 8 and sys.stderr.isatty()
    try:
        for outcome in _outcomes(
            files,
            plan,
            optional,
            unsafe=unsafe,
            write=write and not to_stdout,
            jobs=jobs,
            progress=progress,
            edit_outside=edit_outside,
            assume_litellm=assume_litellm,
            preview=not write,
        ):
            outcomes.append(outcome)
            if outcome.traceback and (debug or _debug()):
                print(outcome.traceback, file=sys.stderr, end="")
            notes += writer.new_folder_notes([outcome.written, *outcome.written_included])
            result = outcome.result
            if outcome.error:
                _err(outcome.error)
                errors += 1
                if outcome.written is None:  # included files saved before the error stopped the rest
                    for written in outcome.written_files():
                        fixed_files += 1
                        touched.append(str(written.path))
                        if report:
                            report.partial(written)
            if result is None or (outcome.error and write and outcome.written is None):
                continue
            optional_ids.update(outcome.optional)
            hidden += sum(len(v) for v in result.hidden_unsafe.values())
            n_findings += len(result.findings)
            if any(f.blocks_startup for f in result.findings):
                not_starting += 1  # a problem that stops the proxy from starting remains: exit 1
            is_pending = False
            if to_stdout:
                sys.stdout.buffer.write(result.new_bytes)
                sys.stdout.flush()
            if result.changed:
                n_fixes += len(result.applied)
                names = outcome.changed_names()
                if outcome.written is not None:
                    fixed_files += len(names)
                    touched += names
                elif not to_stdout:
                    pending += len(names)
                    touched += names
                    is_pending = True
            if report:
                report.file(outcome, pending=is_pending)
    except KeyboardInterrupt as exc:
        if to_stdout:
            _err("interrupted: the fixed config was not written to stdout")
            return 130
        return _interrupted(files, outcomes, exc, write)

    summary = {
        "files": len(files),
        "fixes": n_fixes,
        "files_changed": fixed_files,
        "files_pending": pending,
        "unsafe_fixes_hidden": hidden,
        "default_fixes_pending": [m.id for m in default if m.id in optional_ids],
        "optional_fixes_available": [m.id for m in optional if m.id in optional_ids and m not in default],
        "findings": n_findings,
        "errors": errors,
        "skipped": len(targets.skipped),
        "changed_files" if write else "files_to_change": touched,
        "files_not_starting": not_starting,
        "target_version": target,
    }
    if report:
        for note in dict.fromkeys(notes):  # json/sarif/github: each file's backup is in the output
            report.note(note)
    if fmt == "json":
        from autofix.formats import render_json

        out.write(
            render_json(
                outcomes,
                list(registry.all_migrations()),
                write=write,
                show_secrets=show_secrets,
                skipped=targets.skipped,
                summary=summary,
            )
        )
    elif fmt == "sarif":
        from autofix.formats import render_sarif

        out.write(
            render_sarif(outcomes, list(registry.all_migrations()), write=write, show_secrets=show_secrets)
        )
    elif fmt == "github":
        from autofix.formats import render_github

        out.write(render_github(outcomes, write=write, show_secrets=show_secrets))
    elif report:
        report.summary(summary, n_files=len(files), to_stdout=to_stdout, touched=touched)
    if errors:
        return EXIT_ERROR
    if pending or not_starting or (strict and n_findings):
        return EXIT_PENDING
    return EXIT_OK


def restore_command(path: Path, *, list_: bool = False, which: str | None = None, keep: bool = False) -> int:
    """`autofix restore`: say what is put back, from where, what happens to the bytes it replaces and to
    the backup."""
    from autofix import writer
    from autofix.errors import InputError

    if list_:
        found = writer.list_backups(path)
        if not found:
            _err(f"{path}: no autofix backup in {writer.backup_folder(writer.target_of(path))}")
            return EXIT_ERROR
        from autofix.text import table

        rows = []
        for n, b in enumerate(found, 1):
            size = "missing" if b.size is None else f"{b.size:,} bytes"
            fixes = "damaged record" if b.damaged else ", ".join(b.fixes) if b.fixes else "(not recorded)"
            rows.append([str(n), b.made, size, fixes, b.stamp])
        table(
            sys.stdout,
            ["#", "made (UTC)", "size", "fixes applied", "stamp (--backup)"],
            rows,
            title=f"backups of {path} in {found[0].record.parent} (newest first):",
        )
        print(f"'autofix restore {path}' puts back #1; '--backup N' or '--backup STAMP' another.")
        return EXIT_OK
    info = {b.stamp: b for b in writer.list_backups(path)}
    try:
        done = writer.restore(path, which, keep=keep)
    except InputError as exc:
        _err(str(exc.located(str(path))))
        return EXIT_ERROR
    for name in done.skipped:
        print(
            f"skipped the damaged backup record {name} (left by an interrupted run; 'restore --list' shows it)"
        )
    b = next((b for stamp, b in info.items() if done.backup.name.endswith(f".{stamp}.bak")), None)
    if b is not None:
        by = f" by the apply of {', '.join(b.fixes)}" if b.fixes else ""
        print(f"using the backup {b.stamp} (made {b.made} UTC{by})")
    if done.kept is None:
        print(f"{path} already holds that backup's bytes: nothing to save, nothing written")
    else:
        edits = (
            "with hand edits made after that apply"
            if done.hand_edited
            else "autofix's output, no edits since"
        )
        print(f"saved the current {path} ({edits}) as {done.kept}")
        print(f"restored {path} from {done.backup}")
    left = f"{done.left} older backup{'s' if done.left != 1 else ''} left" if done.left else "no backup left"
    if done.removed:
        print(f"removed the backup used (--keep keeps it); {left}")
    else:
        print(f"kept the backup used; {done.left} backup{'s' if done.left != 1 else ''} left")
    return EXIT_OK


def _group_class():
    """The root command: its --help shows the command model, the options of check/apply and the exit codes."""
    from typer.core import TyperGroup

    class Group(TyperGroup):
        def format_usage(self, ctx, formatter) -> None:
            formatter.write_usage("autofix", "[check] [OPTIONS] [PATHS]...   preview (the default command)")
            formatter.write_usage("autofix", "apply [OPTIONS] [PATHS]...     apply (also: autofix --fix)")
            formatter.write_usage("autofix", "list | explain FIX | restore PATH | probe --url URL")

        def format_options(self, ctx, formatter) -> None:
            self.format_commands(ctx, formatter)
            check = self.get_command(ctx, "check")
            sub = type(ctx)(check, info_name="check", parent=ctx)
            rows = [p.get_help_record(sub) for p in check.get_params(sub) if p.param_type_name == "option"]
            rows = [r for r in rows if r and not r[0].startswith("-h")]
            rows += [p.get_help_record(ctx) for p in self.get_params(ctx)]
            with formatter.section("Options (check and apply)"):
                formatter.write_dl([r for r in rows if r])

    return Group


def _build_app():
    import typer

    app = typer.Typer(
        cls=_group_class(),
        add_completion=False,
        no_args_is_help=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Upgrade LiteLLM proxy configs in place: ordered, verified fixes that keep every comment.",
        epilog="Exit codes: 0 nothing left to fix; 1 fixes pending (a preview), or findings with --strict; "
        "2 a usage or input error (one line each). Run 'autofix COMMAND -h' for a command's options.",
    )

    paths_arg = typer.Argument(
        None,
        metavar="PATHS",
        help="Config files, folders (searched for LiteLLM configs), globs, or - for stdin "
        "(default: config.yaml, litellm_config.yaml, ... here).",
        show_default=False,
    )
    only_opt = typer.Option(
        None,
        "--only",
        metavar="FIXES",
        help="Run only these fixes: p0, p1, p2, ids (G1) or slugs; comma list or repeated.",
    )
    skip_opt = typer.Option(
        None, "--skip", metavar="FIXES", help="Leave out these fixes (same values as --only)."
    )
    secrets_opt = typer.Option(
        False, "--show-secrets", help="Do not mask api keys, passwords, tokens in output."
    )
    strict_opt = typer.Option(False, "--strict", help="Exit 1 when any finding is reported.")
    format_opt = typer.Option(
        "text",
        "--format",
        metavar="FORMAT",
        help="Output: text, json, sarif (2.1.0) or github (annotations).",
    )
    quiet_opt = typer.Option(
        False, "--quiet", "-q", help="Only the summary, a line per file to change, and errors (a CI gate)."
    )
    verbose_opt = typer.Option(
        False, "--verbose", "-v", help="Also every note, and the manual steps of clean files."
    )
    jobs_opt = typer.Option(
        1, "--jobs", "-j", min=1, metavar="N", help="Process files in this many worker processes."
    )
    litellm_only_opt = typer.Option(
        False,
        "--litellm-only",
        help="Skip named files that do not look like LiteLLM configs (for pre-commit).",
    )
    check_opt = typer.Option(False, "--check", hidden=True, help="Old spelling of 'autofix check --quiet'.")
    assume_opt = typer.Option(
        False,
        "--assume-litellm",
        help="Edit named files and stdin even without a LiteLLM section (model_list, litellm_settings, ...): "
        "they are LiteLLM configs or fragments of one.",
    )
    target_opt = typer.Option(
        None,
        "--target-version",
        metavar="X",
        help="The LiteLLM release the config is for: 1.80 or 1.80.x (default: the newest in autofix's data). "
        "Fixes write only what it reads.",
    )
    from_opt = typer.Option(
        None,
        "--from-version",
        metavar="X",
        help="Run only the release-to-release migrations after this release, up to the target.",
    )
    debug_opt = typer.Option(
        False, "--debug", help="Show the traceback of an internal error (or AUTOFIX_DEBUG=1)."
    )
    outside_opt = typer.Option(
        False,
        "--edit-outside-includes",
        help="Also edit included files outside the config's folder (by default they are read, and their fixes "
        "reported for you to make by hand).",
    )
    backup_dir_opt = typer.Option(
        None,
        "--backup-dir",
        metavar="DIR",
        help="Keep backups in DIR (a subfolder a config) instead of .autofix-backups/ beside each config; or "
        "set AUTOFIX_BACKUP_DIR.",
    )

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
        """`check` (the default: preview) and `apply` take the same options; `apply` (or `--fix`) writes,
        `--dry-run` (or the old `--check`) previews."""
        if writes:
            unsafe_help = "Also apply the fixes that change runtime behaviour."
            mode_opt = typer.Option(
                False, "--dry-run", help="Preview instead: the same as 'autofix check'.", show_default=False
            )
        else:
            unsafe_help = "Also preview the fixes that change runtime behaviour ('autofix apply --unsafe-fixes' applies them)."
            mode_opt = typer.Option(
                False, "--fix", help="Apply the fixes: the same as 'autofix apply'.", show_default=False
            )
        unsafe_opt = typer.Option(False, "--unsafe-fixes", help=unsafe_help)
        # the other command's mode flag, accepted and not listed: `apply --fix`, `check --dry-run`
        other_opt = typer.Option(False, "--dry-run" if not writes else "--fix", hidden=True)

        def command(
            paths: list[str] | None = paths_arg,
            mode: bool = mode_opt,
            other: bool = other_opt,
            only: list[str] | None = only_opt,
            skip: list[str] | None = skip_opt,
            unsafe_fixes: bool = unsafe_opt,
            quiet: bool = quiet_opt,
            verbose: bool = verbose_opt,
            strict: bool = strict_opt,
            fmt: str = format_opt,
            show_secrets: bool = secrets_opt,
            jobs: int = jobs_opt,
            litellm_only: bool = litellm_only_opt,
            edit_outside_includes: bool = outside_opt,
            backup_dir: str | None = backup_dir_opt,
            assume_litellm: bool = assume_opt,
            target_version: str | None = target_opt,
            from_version: str | None = from_opt,
            debug: bool = debug_opt,
            check: bool = check_opt,
        ) -> None:
            from autofix.writer import backup_dir_option

            fix, dry_run = (other, mode) if writes else (mode, other)
            write = (writes or fix) and not (dry_run or check)
            with backup_dir_option(backup_dir):
                code = process(
                    paths or [],
                    only=only,
                    skip=skip,
                    unsafe=unsafe_fixes,
                    write=write,
                    show_secrets=show_secrets,
                    strict=strict,
                    quiet=quiet or check,
                    verbose=verbose,
                    fmt=fmt,
                    jobs=jobs,
                    litellm_only=litellm_only,
                    edit_outside=edit_outside_includes,
                    debug=debug,
                    assume_litellm=assume_litellm,
                    target_version=target_version,
                    from_version=from_version,
                )
            raise typer.Exit(code)

        app.command(name, help=help_text)(command)

    fix_command(
        "check",
        "Preview the fixes (the default command: 'autofix PATHS' is 'autofix check PATHS'): the diff, what "
        "would change, the manual steps, a summary. Writes nothing; exits 1 when fixes are pending.",
        False,
    )
    fix_command(
        "apply",
        "Apply the selected fixes: a backup and a patch first, then an atomic replace. Exits 0 when "
        "everything selected was applied.",
        True,
    )

    @app.command(
        "list",
        help="List every fix: id, slug, priority (p2 runs only when selected), safety (safe; mixed: some "
        "parts need --unsafe-fixes; report: changes nothing) and title.",
    )
    def list_() -> None:
        from autofix import versions
        from autofix.registry import all_migrations
        from autofix.text import table

        rel = versions.releases()
        rows = [
            [
                m.id,
                m.slug,
                m.priority + ("" if m.priority in ("p0", "p1") else " (opt-in)"),
                m.safety,
                m.release or "any",
                m.title,
            ]
            for m in all_migrations()
        ]
        table(sys.stdout, ["id", "slug", "priority", "safety", "release", "title"], rows)
        print(
            f"\nLiteLLM releases in the data: {rel[0]} to {rel[-1]} ({len(rel)} minor lines; "
            f"--target-version defaults to {rel[-1]})"
        )

    @app.command("explain", help="Explain one fix: what it does, why, an example, and its safety.")
    def explain(fix: str = typer.Argument(..., help="A fix id (G1) or slug (prometheus).")) -> None:
        from autofix.registry import find, valid_tokens

        m = find(fix)
        if m is None:
            _err(
                f"unknown fix {fix!r}; valid values: {', '.join(t for t in valid_tokens() if t[0].isupper() or '-' in t or t.isalpha() and t not in ('all', 'p0', 'p1', 'p2'))}"
            )
            raise typer.Exit(EXIT_ERROR)
        from autofix import versions

        print(f"# {m.id} {m.slug} ({m.priority}, {m.safety})\n{m.title}\n")
        rel = versions.releases()
        if m.release:
            print(
                f"Release: LiteLLM {m.release} (runs when the target is {m.release} or newer; with --from-version, "
                f"when {m.release} is after it). Source: {m.source}\n"
            )
        print(
            f"Target releases: {rel[0]} to {rel[-1]} (--target-version; a change the target does not read is "
            "refused with a finding)\n"
        )
        print(m.doc)

    @app.command("schema", help="Print a JSON Schema (draft 2020-12) of the LiteLLM config, for editors.")
    def schema() -> None:
        import json

        from autofix.schema import build

        print(json.dumps(build(), indent=1, ensure_ascii=False))

    @app.command("probe", help="Check a running proxy: liveliness, readiness, /cache/ping, /metrics.")
    def probe_cmd(
        url: str = typer.Option("http://127.0.0.1:4000", "--url", help="The proxy's base URL."),
        key_env: str = typer.Option(
            "LITELLM_MASTER_KEY", "--key-env", help="Env var holding the master key."
        ),
        fmt: str = typer.Option("text", "--format", metavar="FORMAT", help="text or json"),
        config: Path | None = typer.Option(
            None, "--config", help="The proxy's config: decides what must be healthy."
        ),
        timeout: float = typer.Option(5.0, "--timeout", help="Seconds per request."),
    ) -> None:
        from autofix.probe import probe_command

        raise typer.Exit(probe_command(url, key_env, fmt, config, timeout))

    @app.command(
        "restore",
        help="Put back an autofix backup of a config: the newest, or the one --backup names (see --list). "
        "The bytes it replaces (autofix's output, or hand edits made since) are saved first as "
        "NAME.STAMP.pre-restore in the backup folder; the backup used is then removed, unless --keep.",
    )
    def restore(
        path: Path = typer.Argument(..., metavar="PATH", help="The config to restore."),
        list_: bool = typer.Option(
            False, "--list", "-l", help="List the backups (newest first); change nothing."
        ),
        backup: str | None = typer.Option(
            None,
            "--backup",
            "-b",
            metavar="STAMP|N",
            help="The backup to put back: its stamp or number in --list.",
        ),
        keep: bool = typer.Option(False, "--keep", help="Keep the backup after restoring it."),
        backup_dir: str | None = backup_dir_opt,
    ) -> None:
        from autofix.writer import backup_dir_option

        with backup_dir_option(backup_dir):
            code = restore_command(path, list_=list_, which=backup, keep=keep)
        raise typer.Exit(code)

    return app
