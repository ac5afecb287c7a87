"""The commands behind the command line: check and apply (`process`: the files, in worker processes with
--jobs, Ctrl-C, the summary and the exit code), restore, list and explain. `autofix/cli.py` parses the
options and calls these; no YAML here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXIT_OK, EXIT_PENDING, EXIT_ERROR = 0, 1, 2


def debug_requested(args: list[str] | None = None) -> bool:
    """--debug, or AUTOFIX_DEBUG set to anything but empty/0: show the traceback of an internal error."""
    return "--debug" in (args or []) or os.environ.get("AUTOFIX_DEBUG", "") not in ("", "0")


def print_error(message: str) -> None:
    print(
        f"autofix: {message}" if not message.startswith(("autofix", "/", ".")) else message, file=sys.stderr
    )


_optional_found: set[str] = set()  # in a --jobs worker: optional fixes an earlier file would take


def _worker(args: tuple[Path, tuple[str, ...], bool, bool, tuple[str, ...], bool, bool, bool, str, bool]):
    """Runs in a worker process for --jobs: migrations are passed by id, not pickled."""
    from autofix import registry, versions
    from autofix.batch import fix_file

    path, ids, unsafe, write, optional_ids, edit_outside, assume, preview, target, per_file = args
    versions.use(target)
    by_id = {m.id: m for m in registry.all_migrations()}
    outcome = fix_file(
        path,
        [by_id[i] for i in ids],
        unsafe=unsafe,
        write=write,
        optional=[by_id[i] for i in optional_ids if per_file or i not in _optional_found],
        edit_outside=edit_outside,
        assume_litellm=assume,
        preview=preview,
    )
    _optional_found.update(outcome.optional)
    return outcome


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
        print_error(
            f"interrupted: nothing was written (a preview); {len(seen)} of {len(files)} files checked"
        )
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
    print_error(f"interrupted: {done}; {left}; no file is left half-written")
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
    optional_per_file: bool = True,
):
    """Yield each file's Outcome, in the order given; in worker processes with --jobs N > 1.

    Without `optional_per_file` (the output names only which optional fixes some file would take), an
    optional fix found for one file is not tried on the files after it."""
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
                    (
                        f,
                        ids,
                        unsafe,
                        write,
                        opt,
                        edit_outside,
                        assume_litellm,
                        preview,
                        versions.target(),
                        optional_per_file,
                    ),
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
            options = {"unsafe": unsafe, "write": write, "optional": optional, "edit_outside": edit_outside}
            options |= {"assume_litellm": assume_litellm, "preview": preview}
            for f in files:
                outcome = fix_file(f, plan, **options)
                if outcome.optional and not optional_per_file:
                    options["optional"] = [m for m in options["optional"] if m.id not in outcome.optional]
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
        print_error(f"unknown --format {fmt!r}; valid values: text, json, sarif, github")
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
        print_error(str(exc))
        return EXIT_ERROR
    if not args:
        try:
            found = default_config()
        except InputError as exc:
            print_error(str(exc))
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
        print_error("'-' (stdin to stdout) must be the only path, with the text format")
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
        print_error(str(exc))
    for arg in args:
        path = Path(arg)
        if arg != "-" and path.is_dir() and not any(f.is_relative_to(path) for f in files):
            print_error(f"{arg}: no LiteLLM config under this folder")
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
            optional_per_file=fmt == "json",
        ):
            outcomes.append(outcome)
            if outcome.traceback and (debug or debug_requested()):
                print(outcome.traceback, file=sys.stderr, end="")
            notes += writer.new_folder_notes([outcome.written, *outcome.written_included])
            result = outcome.result
            if outcome.error:
                print_error(outcome.error)
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
            print_error("interrupted: the fixed config was not written to stdout")
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
            print_error(f"{path}: no autofix backup in {writer.backup_folder(writer.target_of(path))}")
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
        print_error(str(exc.located(str(path))))
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


def list_command() -> None:
    """`autofix list`: every fix, a row each, and the releases in the data."""
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


def explain_command(fix: str) -> int:
    """`autofix explain FIX`: what a fix does, why, an example, and its safety."""
    from autofix.registry import find, valid_tokens

    m = find(fix)
    if m is None:
        print_error(
            f"unknown fix {fix!r}; valid values: {', '.join(t for t in valid_tokens() if t[0].isupper() or '-' in t or t.isalpha() and t not in ('all', 'p0', 'p1', 'p2'))}"
        )
        return EXIT_ERROR
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
    return EXIT_OK
