"""The command line: the commands and their options (typer), the default command, mistyped commands, and
one line for any error. The commands themselves are in `autofix/commands.py`; no YAML here.

    autofix [PATH...] [--dry-run]      preview: diff, findings, summary; writes nothing
    autofix apply [PATH...]            apply the selected fixes (backup + patch first)
    autofix list | explain ID | restore PATH | --version

Exit codes: 0 nothing left to fix, 1 fixes pending or a problem that stops the proxy from starting remains (or
findings with --strict), 2 usage or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autofix.commands import EXIT_ERROR, debug_requested, print_error, process, restore_command

COMMANDS = ("check", "apply", "list", "explain", "restore", "probe", "schema")


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
            print_error(
                f"unknown command {args[0]!r}; did you mean {meant!r}? (commands: {', '.join(COMMANDS)})"
            )
            raise SystemExit(EXIT_ERROR)
    implicit = not args or (args[0] not in COMMANDS and args[0] not in HELP)
    if implicit:
        args = ["check", *args]
    import gc

    # A config becomes hundreds of thousands of small objects; at the default thresholds the cyclic
    # collector runs full passes over all of them again and again (measured: 2.7x slower at 10,000
    # models). Collect less often (while a file runs, `batch` pauses the collector altogether).
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
        print_error(f"{where}: {exc.format_message().rstrip('.')} (see '{hint}')")
        code = EXIT_ERROR
    except typer.Abort:
        code = 130
    except Exception as exc:  # a bug outside any one file's run: one line, exit 2
        from autofix.errors import InternalError

        err = InternalError(exc)
        print_error(f"{err}; run with --debug (or AUTOFIX_DEBUG=1) for the traceback")
        if debug_requested(args):
            print(err.traceback, file=sys.stderr, end="")
        code = EXIT_ERROR
    if argv is None:
        # The program ends here. The interpreter's last full collection would walk every object still
        # alive (about 25 ms after a large config) to free what the operating system frees anyway;
        # frozen objects are left out of it. (Not when main() is called with arguments, from Python.)
        gc.freeze()
    raise SystemExit(code if isinstance(code, int) else 0)


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
        from autofix.commands import list_command

        list_command()

    @app.command("explain", help="Explain one fix: what it does, why, an example, and its safety.")
    def explain(fix: str = typer.Argument(..., help="A fix id (G1) or slug (prometheus).")) -> None:
        from autofix.commands import explain_command

        code = explain_command(fix)
        if code:
            raise typer.Exit(code)

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
