"""Crash safety: `autofix apply` killed with SIGKILL at every point of its writes, and at random moments.

Each trial runs `autofix apply` on a fresh copy of a small config in a child process that kills itself
(tests/crashshim.py wraps os.open/os.write/os.fsync/os.close/os.fchmod/os.replace/os.mkdir/os.unlink and
tempfile.mkstemp; nothing in autofix/ knows about it) before, after, or (for os.write) in the middle of
the n-th call of one function: every call a clean run makes is a kill point, found by tracing a clean
run first. The kill points fall into five phases, by what is on disk when the process dies:
before-backup (no backup file yet: reading, fixing, taking the lock), during-backup (.bak/.patch/.json
being written), after-backup (record complete, no temp file yet), temp-write (the temp file exists, up to
the instant before the rename) and after-rename. More trials kill the child after a random delay, most of
them counted from the moment it creates the backup folder. After every trial:

- the config holds the old bytes or the new bytes (what a clean apply produces), nothing else, and its mode;
- whenever it holds the new bytes, the backup folder has the old bytes and a complete record;
- a leftover temp file (`.config.yaml.*.autofix-tmp`) or lock file (`.config.yaml.autofix-lock`) is
  harmless: one clean `autofix apply` over all the trial folders succeeds, fixes every config, and leaves
  no temp or lock file behind; `restore` then puts the old bytes back.

`CRASH_SEED=n` changes the random delays; the summary line (pytest -s) counts the trials per phase.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
OLD = (
    b"# a small config for the crash tests\n"
    b"model_list:\n"
    b"  - model_name: llama\n"
    b"    litellm_params:\n"
    b"      model: ollama/llama3.1\n"
    b"      api_base: http://127.0.0.1:11434\n"
    b"      rpm: 10\n"
    b"router_settings:\n"
    b"  routing_strategy: usage-based-routing-v2  # slow with redis\n"
    b"server_settings:\n"
    b"  prometheus:\n"
    b"    port: 9090\n"
)
MODE = 0o640
WORKERS = 2  # the machine is shared: at most two children at a time
RANDOM_IN_WRITE_PHASE = (
    34  # with the 62 kill points of a clean run (fewer since the lock is a plain flock): 100+
)
RANDOM_FROM_START = 6
SEED = int(os.environ.get("CRASH_SEED", "20251127"))
DEEP = os.environ.get("AUTOFIX_DEEP") == "1"  # every trial (.ci/run); otherwise a sample of each phase
PER_PHASE = 2  # kill points per phase in the default run
PHASES = ("before-backup", "during-backup", "after-backup", "temp-write", "after-rename")


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "PYTEST_"))}
    env.update(PYTHONPATH=str(TESTS), TMPDIR=str(tmp), NO_COLOR="1")
    return env


def _child(shim: str) -> list[str]:
    code = f"import crashshim; crashshim.install({shim}); from autofix.cli import main; main(['apply', 'config.yaml'])"
    return [sys.executable, "-c", code]


def _prepare(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "tmp").mkdir()
    config = folder / "config.yaml"
    config.write_bytes(OLD)
    config.chmod(MODE)
    return config


@dataclass
class Trial:
    name: str
    phase: str  # planned phase, or "random" until the disk state says where it hit
    shim: str
    delay: float | None = None  # random trials: seconds after `ready` (or after the start)
    wait_ready: bool = False
    returncode: int | None = None
    observed: str = ""
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """The new bytes of a clean apply, and the calls it makes (function, caller, argument), in order."""
    folder = tmp_path_factory.mktemp("trace")
    config = _prepare(folder / "run")
    trace = folder / "trace.txt"
    r = subprocess.run(
        _child(f"'trace', 0, '', {str(trace)!r}"),
        cwd=config.parent,
        env=_env(config.parent / "tmp"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    new = config.read_bytes()
    assert new != OLD and b"simple-shuffle" in new
    events = [tuple(line.split("\t")) for line in trace.read_text().splitlines()]
    second = _prepare(folder / "again")
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "config.yaml"],
        cwd=second.parent,
        env=_env(second.parent / "tmp"),
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 0 and second.read_bytes() == new, "a clean apply is not deterministic"
    return new, events


def _markers(events: list[tuple[str, ...]]) -> dict[str, int]:
    """Indices of the calls that change what is on disk: the backup file is created, its record is
    complete, the temp file is created, the rename."""

    def first(pred) -> int:
        return next(n for n, e in enumerate(events) if pred(e))

    return {
        "bak": first(lambda e: e[0] == "os.open" and e[2].endswith(".bak")),
        "record": first(lambda e: e[0] == "os.open" and e[2].endswith(".json")) + 1,  # its os.write
        "temp": first(lambda e: e[0] == "os.open" and e[2].endswith(".autofix-tmp")),
        "rename": first(lambda e: e[0] == "os.replace"),
    }


def _phase(i: int, when: str, events: list[tuple[str, ...]]) -> str:
    """The phase a kill at call i lands in, from the calls completed before it."""
    m = _markers(events)
    done = i + 1 if when == "after" else i  # calls completed (a mid-write does not complete its call)
    if events[i][0] == "tempfile.mkstemp" and when == "after":
        done = m["temp"] + 1  # mkstemp's own os.open completed inside it
    if done <= m["bak"]:
        return "before-backup"
    if done <= m["record"]:
        return "during-backup"
    if done <= m["temp"]:
        return "after-backup"
    if done <= m["rename"]:
        return "temp-write"
    return "after-rename"


def _planned(events: list[tuple[str, ...]]) -> list[Trial]:
    trials = []
    counts: Counter[str] = Counter()
    for i, (fn, caller, arg) in enumerate(events):
        counts[fn] += 1
        n = counts[fn]
        whens = ("before", "mid", "after") if fn == "os.write" else ("before", "after")
        for when in whens:
            trials.append(
                Trial(f"{fn}#{n}:{when} ({caller} {arg})", _phase(i, when, events), f"{fn!r}, {n}, {when!r}")
            )
    return trials


def _sample(planned: list[Trial], rng: random.Random) -> list[Trial]:
    """PER_PHASE kill points of each phase, picked by the seeded generator (one mid-write among them)."""
    out: list[Trial] = []
    for phase in PHASES:
        points = [t for t in planned if t.phase == phase]
        out += rng.sample(points, min(PER_PHASE, len(points)))
    if not any("mid" in t.shim for t in out):
        out.append(next(t for t in planned if "mid" in t.shim))
    return out


def _random(rng: random.Random) -> list[Trial]:
    trials = [
        Trial(
            f"random {i}: {d * 1000:.1f} ms after the backup folder",
            "random",
            "'signal', 0, '', '{fd}'",
            delay=d,
            wait_ready=True,
        )
        for i, d in enumerate(rng.uniform(0, 0.015) for _ in range(RANDOM_IN_WRITE_PHASE))
    ]
    trials += [
        Trial(f"random start {i}: {d * 1000:.0f} ms after the start", "random", "'none', 0", delay=d)
        for i, d in enumerate(rng.uniform(0.05, 0.6) for _ in range(RANDOM_FROM_START))
    ]
    return trials


def _run_trial(trial: Trial, folder: Path, new: bytes) -> None:
    config = _prepare(folder)
    env = _env(folder / "tmp")
    if not trial.wait_ready:
        start = time.monotonic()
        proc = subprocess.Popen(
            _child(trial.shim), cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        if trial.delay is not None:
            time.sleep(max(0.0, trial.delay - (time.monotonic() - start)))
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    else:
        r, w = os.pipe()
        try:
            proc = subprocess.Popen(
                _child(trial.shim.format(fd=w)),
                cwd=folder,
                env=env,
                pass_fds=(w,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        finally:
            os.close(w)
        with os.fdopen(r, "rb") as ready:
            got = ready.read(6)  # b"ready\n", or b"" when the child ended without reaching the writes
        if got:
            time.sleep(trial.delay or 0)
            proc.send_signal(signal.SIGKILL)
        else:
            trial.problems.append("the child never reached its write phase")
        _, err = proc.communicate(timeout=60)
    trial.returncode = proc.returncode
    if trial.phase != "random" and proc.returncode != -signal.SIGKILL:
        trial.problems.append(
            f"the kill point was not reached (exit {proc.returncode}): {err.decode()[-300:]}"
        )
    if proc.returncode not in (0, -signal.SIGKILL):
        trial.problems.append(f"exit {proc.returncode}: {err.decode()[-300:]}")
    _check_after_kill(trial, config, new)


def _check_after_kill(trial: Trial, config: Path, new: bytes) -> None:
    folder = config.parent
    backups = folder / ".autofix-backups"
    current = config.read_bytes()
    temps = sorted(p.name for p in folder.glob(".config.yaml.*.autofix-tmp"))
    baks = sorted(backups.glob("*.bak")) if backups.is_dir() else []
    metas = sorted(backups.glob("*.json")) if backups.is_dir() else []
    if current not in (OLD, new):
        trial.problems.append(f"the config holds neither the old nor the new bytes ({len(current)} bytes)")
    if stat.S_IMODE(config.stat().st_mode) != MODE:
        trial.problems.append(f"the config's mode changed to {oct(stat.S_IMODE(config.stat().st_mode))}")
    # a killed run may leave its lock file (the next run takes it over and deletes it), nothing else
    stray = {p.name for p in folder.iterdir()} - {
        "config.yaml",
        ".autofix-backups",
        "tmp",
        ".config.yaml.autofix-lock",
        *temps,
    }
    if stray:
        trial.problems.append(f"unexpected files beside the config: {sorted(stray)}")
    if current == new:
        if not any(b.read_bytes() == OLD for b in baks):
            trial.problems.append("the new bytes are in place but no backup holds the old bytes")
        records = []
        for meta in metas:
            try:
                records.append(json.loads(meta.read_text()))
            except ValueError:
                pass
        if not any(
            r.get("old_sha256") == hashlib.sha256(OLD).hexdigest()
            and r.get("new_sha256") == hashlib.sha256(new).hexdigest()
            for r in records
        ):
            trial.problems.append("the new bytes are in place but no complete backup record exists")
    # where the kill landed, as the disk shows it
    if current == new:
        trial.observed = "after-rename"
    elif temps:
        trial.observed = "temp-write"
    elif any(_loads(m) for m in metas):
        trial.observed = "after-backup"
    elif baks:
        trial.observed = "during-backup"
    else:
        trial.observed = "before-backup"
    if trial.phase != "random" and trial.observed != trial.phase:
        trial.problems.append(f"planned phase {trial.phase}, but the disk shows {trial.observed}")


def _loads(meta: Path) -> bool:
    try:
        return isinstance(json.loads(meta.read_text()), dict)
    except ValueError:
        return False


def test_sigkill_at_every_write_point_and_at_random_moments(clean_run, tmp_path):
    new, events = clean_run
    rng = random.Random(SEED)
    planned = _planned(events)
    trials = planned + _random(rng)
    assert len(trials) >= 100
    if not DEEP:  # the default run: a few kill points in every phase, and a few random kills of each kind
        randoms = [t for t in trials if t.phase == "random"]
        trials = (
            _sample(planned, rng) + randoms[:2] + randoms[RANDOM_IN_WRITE_PHASE : RANDOM_IN_WRITE_PHASE + 1]
        )
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda it: _run_trial(it[1], tmp_path / f"t{it[0]:03d}", new), enumerate(trials)))
    elapsed = time.monotonic() - started

    # one clean apply over every trial folder: it succeeds, fixes each, and leaves no temp file
    configs = [tmp_path / f"t{i:03d}" / "config.yaml" for i in range(len(trials))]
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "--format", "json", *map(str, configs)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    statuses = {f["path"]: f["status"] for f in json.loads(r.stdout)["files"]}
    from autofix.writer import restore

    for trial, config in zip(trials, configs, strict=True):
        if config.read_bytes() != new:
            trial.problems.append("the next clean apply did not produce the new bytes")
        left = list(config.parent.glob(".config.yaml.*.autofix-tmp")) + list(
            config.parent.glob("*.autofix-lock")
        )
        if left:
            trial.problems.append(
                f"temp or lock files left after the next clean apply: {[p.name for p in left]}"
            )
        if statuses.get(str(config)) not in ("fixed", "clean"):
            trial.problems.append(f"the next clean apply says {statuses.get(str(config))}")
        restore(config)
        if config.read_bytes() != OLD:
            trial.problems.append("restore did not put the old bytes back")

    planned_by_phase = Counter(t.phase for t in planned)
    random_by_phase = Counter(t.observed for t in trials if t.phase == "random")
    print(
        f"\ncrash-safety: {len(trials)} SIGKILL trials in {elapsed:.1f} s ({WORKERS} at a time); "
        f"kill points ({len(planned)}): "
        + ", ".join(f"{p} {planned_by_phase[p]}" for p in PHASES)
        + f"; random ({len(trials) - len(planned)}, seed {SEED}), where they hit: "
        + ", ".join(f"{p} {random_by_phase[p]}" for p in PHASES)
    )
    failed = [f"{t.name} [{t.phase}]: {'; '.join(t.problems)}" for t in trials if t.problems]
    assert not failed, f"{len(failed)} of {len(trials)} trials failed:\n" + "\n".join(failed[:20])
    for phase in PHASES:
        assert planned_by_phase[phase] >= 4, f"too few kill points in phase {phase}"


def test_a_kill_while_the_backup_record_is_written_leaves_restore_usable(clean_run, tmp_path):
    """A run killed while it writes the backup's .json record leaves a truncated record behind."""
    new, events = clean_run
    # the writer's own writes: the backup, its patch, its record, then the new config's temp file
    writes = [i for i, e in enumerate(events) if e[0] == "os.write" and e[1] == "autofix.writer:_write_all"]
    n = sum(1 for e in events[: writes[-2] + 1] if e[0] == "os.write")  # the record: written just before
    config = _prepare(tmp_path / "c")
    r = subprocess.run(
        _child(f"'os.write', {n}, 'mid'"),
        cwd=config.parent,
        env=_env(config.parent / "tmp"),
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == -signal.SIGKILL
    assert config.read_bytes() == OLD
    (meta,) = (config.parent / ".autofix-backups").glob("*.json")
    with pytest.raises(ValueError):
        json.loads(meta.read_text())
    # the old bytes are in place; whatever `restore` does now, it must say it in one line
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "restore", "config.yaml"],
        cwd=config.parent,
        env=_env(config.parent / "tmp"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert config.read_bytes() == OLD
    assert "Traceback" not in r.stderr and "JSONDecodeError" not in r.stderr, r.stderr[-1500:]
    assert r.returncode in (0, 2) and len(r.stderr.strip().splitlines()) <= 1, r.stderr[-1500:]


def test_a_backup_that_cannot_be_written_whole_stops_the_apply(tmp_path):
    """The file-size limit of the child (RLIMIT_FSIZE) sits between the new and the old size: the new config
    fits, the backup of the old one does not. Either apply stops with one line and the old bytes in place,
    or the backup holds every old byte."""
    import resource

    from autofix import registry
    from autofix.runner import run

    old = (
        b"model_list: []\nserver_settings:\n  prometheus:\n    # "
        + b"why the metrics port is 9090; " * 30
        + b"\n    port: 9090\nlitellm_settings:\n  callbacks: [prometheus]\n"
    )
    new = run(old, [registry.find("G1")]).new_bytes
    assert len(new) < len(old) // 2
    limit = (len(new) + len(old)) // 2
    config = tmp_path / "config.yaml"
    config.write_bytes(old)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "--only", "G1", "config.yaml"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_files,
    )
    if config.read_bytes() == old:
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stdout + r.stderr
    else:
        assert config.read_bytes() == new
        baks = list((tmp_path / ".autofix-backups").glob("*.bak"))
        assert any(b.read_bytes() == old for b in baks), (
            f"the config was replaced (exit {r.returncode}) but its backup holds "
            f"{[b.stat().st_size for b in baks]} of {len(old)} bytes"
        )


def test_a_leftover_temp_file_of_a_killed_run_is_removed_by_the_next_run_that_writes(tmp_path):
    config = _prepare(tmp_path / "c")
    leftover = config.parent / ".config.yaml.abcd1234.autofix-tmp"
    leftover.write_bytes(OLD[:20])
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "config.yaml"],
        cwd=config.parent,
        env=_env(config.parent / "tmp"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert not leftover.exists()
    assert config.read_bytes() != OLD
