"""autofix's benchmark: every figure is a ratio against a baseline measured in the same run.

    python benchmarks/bench.py [--runs 5] [--quick] [--json out.json]

Each command runs as a whole process (interpreter start-up included, as a user runs it), several
times, and the median is used. Two clocks are reported: CPU seconds of the child process (user+sys,
from the kernel's accounting of the finished process; steady when the machine is busy) and wall
seconds. Ratios for the single-process figures use CPU time; fleet throughput (which is about using
both cores) uses wall time.

Figures and targets (from the issue):
- dry-run / bare ruamel round trip (YAML().load + dump) at 2000 models: at most 1.0
- cost at 10000 models / cost at 2000 models (5x size): at most 5.5
- `autofix --version` / `python -c pass`: at most 10
- fleet of 1000 small configs, files per second with --jobs 2 / without: at least 1.7
- issue 11: the round-trip ratio at 2000 models at most 0.15; the fleet in one process at least 350
  files per wall second (an absolute figure: it moves with the machine's speed)

The two commands of each ratio take turns (A B A B ...), and the ratio is the median of the per-round
ratios, so a machine whose speed drifts during the run moves both sides alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_config, write_fleet  # noqa: E402

ROUND_TRIP = """
import io, sys
from ruamel.yaml import YAML
yaml = YAML()
with open(sys.argv[1]) as f:
    data = yaml.load(f)
yaml.dump(data, io.StringIO())
"""


# Every command runs as an installed package runs: with its compiled bytecode. Where the environment
# says PYTHONDONTWRITEBYTECODE (some containers do), an editable install would otherwise compile
# autofix's sources on every run (about 0.1 s), which a wheel installed by pip never does.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_once(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(CPU seconds of the child, user+sys from the kernel's accounting; wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return usage.ru_utime + usage.ru_stime, elapsed


def _figures(cpu: list[float], wall: list[float]) -> dict[str, float]:
    return {
        "cpu": statistics.median(cpu),
        "wall": statistics.median(wall),
        "cpu_min": min(cpu),
        "cpu_max": max(cpu),
        "wall_min": min(wall),
        "wall_max": max(wall),
    }


def measure(*cmds: list[str], runs: int) -> list[dict[str, float]]:
    """Median CPU and wall seconds of each command over `runs` rounds, after one warm-up round (which
    also writes the bytecode of an editable install). The commands take turns within each round
    (A B A B ...), so a machine whose speed drifts during the run (a shared or throttled one) slows
    both sides of a ratio alike; `ratio` in the result (for two commands) is the median of the
    per-round ratios A/B, of CPU time, and `ratio_wall` of wall time."""
    cpu: list[list[float]] = [[] for _ in cmds]
    wall: list[list[float]] = [[] for _ in cmds]
    for i in range(runs + 1):
        for k, cmd in enumerate(cmds):
            c, w = _run_once(cmd)
            if i:  # the first round warms the page cache and is not counted
                cpu[k].append(c)
                wall[k].append(w)
    out = [_figures(c, w) for c, w in zip(cpu, wall, strict=True)]
    if len(cmds) == 2:
        out[0]["ratio"] = statistics.median(a / b for a, b in zip(cpu[0], cpu[1], strict=True))
        out[0]["ratio_wall"] = statistics.median(a / b for a, b in zip(wall[0], wall[1], strict=True))
    return out


def autofix_cmd(*args: str) -> list[str]:
    exe = shutil.which("autofix")
    return [exe, *args] if exe else [sys.executable, "-m", "autofix", *args]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="counted runs per command (median reported)")
    ap.add_argument(
        "--quick", action="store_true", help="smaller inputs, 3 runs: a smoke test, not the figures"
    )
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()
    runs = 3 if args.quick else args.runs
    sizes = (80, 400) if args.quick else (400, 2000, 10000)
    fleet_size = 100 if args.quick else 1000

    work = Path(tempfile.mkdtemp(prefix="autofix-bench-"))
    try:
        figures: dict[str, object] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "runs": runs,
        }
        print(f"# autofix benchmark ({figures['machine']}; median of {runs} runs after a warm-up)")
        per_size = {}
        for n in sizes:
            path = write_config(work, n)
            fix, base = measure(
                autofix_cmd("--dry-run", str(path)), [sys.executable, "-c", ROUND_TRIP, str(path)], runs=runs
            )
            per_size[n] = {"autofix": fix, "round_trip": base, "bytes": path.stat().st_size}
            print(
                f"{n:>6} models ({path.stat().st_size / 1e6:.2f} MB): autofix --dry-run {fix['cpu']:.2f} s CPU "
                f"({fix['wall']:.2f} s wall), ruamel load+dump {base['cpu']:.2f} s CPU ({base['wall']:.2f} s wall) "
                f"-> ratio {fix['ratio']:.2f}"
            )
        mid, big = sizes[-2], sizes[-1]
        ratio_rt = per_size[mid]["autofix"]["ratio"]
        scale = per_size[big]["autofix"]["cpu"] / per_size[mid]["autofix"]["cpu"]
        size_factor = big / mid

        version, bare = measure(autofix_cmd("--version"), [sys.executable, "-c", "pass"], runs=runs * 2)
        startup = version["ratio"]
        print(
            f"start-up: autofix --version {version['cpu'] * 1000:.0f} ms CPU, python -c pass "
            f"{bare['cpu'] * 1000:.0f} ms CPU -> ratio {startup:.1f}"
        )

        fleet = write_fleet(work, fleet_size)
        one, two = measure(
            autofix_cmd("--check", str(fleet)), autofix_cmd("--check", "--jobs", "2", str(fleet)), runs=runs
        )
        fps1, fps2 = fleet_size / one["wall"], fleet_size / two["wall"]
        speedup = one["ratio_wall"]  # one process's wall time / --jobs 2's, per round
        print(
            f"fleet of {fleet_size} configs (--check): {fps1:.0f} files/s in one process "
            f"({fleet_size / one['wall_max']:.0f}-{fleet_size / one['wall_min']:.0f}), {fps2:.0f} files/s "
            f"with --jobs 2 -> speed-up {speedup:.2f}"
        )

        targets = [
            (f"dry-run / ruamel round trip at {mid} models", ratio_rt, "<=", 1.0),
            (f"cost at {big} / cost at {mid} models ({size_factor:.0f}x size)", scale, "<=", 5.5),
            ("autofix --version / python -c pass", startup, "<=", 10.0),
            ("fleet files/s with --jobs 2 / without", speedup, ">=", 1.7),
            # issue 11's goals (the fleet's is files per wall second, so it depends on the machine)
            (f"issue 11: dry-run / ruamel round trip at {mid} models", ratio_rt, "<=", 0.15),
            (f"issue 11: fleet of {fleet_size}, files/s in one process", fps1, ">=", 350),
        ]
        print("\n| figure | value | target | met |\n|---|---|---|---|")
        ok = True
        for label, value, op, target in targets:
            met = value <= target if op == "<=" else value >= target
            ok &= met
            shown = f"{value:.3f}" if value < 10 else f"{value:.0f}"
            print(f"| {label} | {shown} | {op} {target} | {'yes' if met else 'NO'} |")
        figures.update(
            {
                "sizes": per_size,
                "startup": {"autofix": version, "python": bare},
                "fleet": {"files": fleet_size, "jobs1": one, "jobs2": two},
                "targets": [{"figure": t[0], "value": t[1], "target": f"{t[2]} {t[3]}"} for t in targets],
            }
        )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        if args.quick:
            print("\n(--quick: smaller inputs; the targets are for the full run)")
        return 0 if ok or args.quick else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
