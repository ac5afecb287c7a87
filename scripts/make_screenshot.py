"""Make docs/preview.svg: the real preview of the bundled config, as autofix prints it on a terminal.

    python scripts/make_screenshot.py          # writes docs/preview.svg
    python scripts/make_screenshot.py --check  # exit 1 when docs/preview.svg is not what the code prints

The picture is autofix's own rich output, recorded (rich's Console(record=True)) and saved as SVG, so
it cannot drift from the code: tests/test_cli_ux.py runs --check.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "litellm-unified.yaml"
SVG = ROOT / "docs" / "preview.svg"
COMMAND = ["--only", "p0", "config.yaml"]  # the p0 fixes: a picture of a useful height
WIDTH = 110


def render() -> str:
    from rich.console import Console

    from autofix.commands import process

    console = Console(
        file=io.StringIO(),
        record=True,
        width=WIDTH,
        force_terminal=True,
        color_system="truecolor",
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
        no_color=False,
    )
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(FIXTURE, Path(tmp) / "config.yaml")
        os.chdir(tmp)
        try:
            process(
                ["config.yaml"],
                only=["p0"],
                skip=None,
                unsafe=False,
                write=False,
                show_secrets=False,
                strict=False,
                console=console,
            )
        finally:
            os.chdir(here)
    return console.export_svg(title="autofix " + " ".join(COMMAND))


def main(argv: list[str]) -> int:
    svg = render()
    if "--check" in argv:
        if not SVG.exists() or SVG.read_text(encoding="utf-8") != svg:
            print(
                f"{SVG.relative_to(ROOT)} is out of date: run python scripts/make_screenshot.py",
                file=sys.stderr,
            )
            return 1
        return 0
    SVG.parent.mkdir(exist_ok=True)
    SVG.write_text(svg, encoding="utf-8")
    print(f"wrote {SVG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
