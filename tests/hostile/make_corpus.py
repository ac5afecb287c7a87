"""The hostile-input corpus for tests/test_hostile.py: files a config tool meets in the wild, or that an
attacker hands it. Nothing here is stored in the repository: every case is generated, at test time, into
the test's temporary folder (the 50 MB file, the alias bombs, the FIFO and the symlink loop included).

    python tests/hostile/make_corpus.py OUT_DIR     # write every case into OUT_DIR, to look at them

Each `Case` says what autofix must do with it, for both `--dry-run` and `apply`:

- "refused": exit 2, exactly one line on stderr naming the file and containing `reason`, no traceback,
  the file's bytes untouched, no backup folder;
- "handled": a valid config: exit 0/1 for the preview, 0 for apply, the result parses, a second run
  has nothing left to do;
- "apply-refused": the preview works (exit 0/1) but apply must stop with one line (it cannot write).

Small cases run together (one `--dry-run` and one `apply` over all of them); `alone` ones, and every
case with a known bug, run in their own process. `bug` names a known engine bug (the test is an xfail until it is fixed); `root` says why the case
cannot be tested when running as root (root reads and writes through any permission bits).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD = (
    b"model_list:\n"
    b"  - model_name: llama\n"
    b"    litellm_params:\n"
    b"      model: ollama/llama3.1\n"
    b"      api_base: http://127.0.0.1:11434\n"
    b"router_settings:\n"
    b"  routing_strategy: usage-based-routing-v2\n"
)


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the case into an empty folder; returns the path to pass
    expect: str  # "refused" | "handled" | "apply-refused"
    reason: str = ""  # a substring of the one error line
    bug: str = ""  # a known engine bug: why the case fails today
    root: str = ""  # why it cannot be tested as root
    timeout: float = 20.0
    covers: str = ""
    alone: bool = False  # run in its own process (big, slow, or a special file), not with the small ones


def _file(name: str, data: bytes | Callable[[], bytes]):
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return make


# ---- alias bombs -------------------------------------------------------------------------------------


def laughs(levels: int, fan: int = 10) -> bytes:
    """Billion laughs: level i is a list of `fan` aliases of level i-1; the last expands to fan**levels."""
    lines = [b"model_list: []", b'lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [".encode() + b", ".join([f"*lol{i - 1}".encode()] * fan) + b"]")
    return b"\n".join(lines) + b"\nrouter_settings:\n  routing_strategy: usage-based-routing-v2\n"


def quadratic() -> bytes:
    """Not deep but wide: 1,000 aliases of one 3,000-item list (3 million nodes from 13 kB)."""
    return (
        b"model_list: []\nbig: &b ["
        + b", ".join([b"x"] * 3000)
        + b"]\nuse: ["
        + b", ".join([b"*b"] * 1000)
        + b"]\n"
    )


# ---- deep nesting ------------------------------------------------------------------------------------


def flow_lists(n: int, sep: bytes = b"") -> bytes:
    return b"model_list: []\nx: " + (b"[" + sep) * n + (b"]" + sep) * n + b"\n"


def flow_maps(n: int) -> bytes:
    return b"model_list: []\nx: " + b"{a: " * n + b"1" + b"}" * n + b"\n"


def block_maps(n: int) -> bytes:
    """n nested block mappings, one more space of indentation per level."""
    return (
        b"model_list: []\nx:\n"
        + b"".join(b" " * (i + 1) + b"k:\n" for i in range(n))
        + b" " * (n + 1)
        + b"v\n"
    )


def block_seqs(n: int) -> bytes:
    """n nested block sequences in the compact form `- - - v`."""
    return b"model_list: []\nx:\n  " + b"- " * n + b"v\n"


# ---- size --------------------------------------------------------------------------------------------


def fifty_mb() -> bytes:
    """A valid config of 50 MiB: one model, then 50 MiB of comments."""
    return GOOD + (b"# " + b"x" * 1021 + b"\n") * (50 * 1024)


HUGE_LINE = 4 * 2**20


def huge_line() -> bytes:
    """A 4 MiB single line (a value) in a section no fix touches, and a 1 MiB one right in a diff hunk."""
    return (
        GOOD
        + b'x_blob: "'
        + b"A" * HUGE_LINE
        + b'"\n'
        + b"litellm_settings:\n  x_note: "
        + b"http://example/" * (2**16)
        + b"\n"
    )


# ---- anchors and merge keys where a fix would edit a shared node ---------------------------------------

SHARED = {
    "anchor-router-settings-block": (
        b"model_list: []\n"
        b"router_settings: &rs\n"
        b"  routing_strategy: usage-based-routing-v2\n"
        b"  num_retries: 2\n"
        b"x_staging_router: *rs\n"
    ),
    "anchor-router-settings-flow": (
        b"model_list: []\n"
        b"router_settings: &rs {routing_strategy: usage-based-routing-v2}\n"
        b"x_staging_router: *rs\n"
    ),
    "merge-defaults-into-router-settings": (
        b"model_list: []\n"
        b"x_defaults: &defaults\n"
        b"  routing_strategy: usage-based-routing-v2\n"
        b"  num_retries: 2\n"
        b"router_settings:\n"
        b"  <<: *defaults\n"
        b"  timeout: 30\n"
    ),
    "merge-list-into-router-settings": (
        b"model_list: []\n"
        b"x_a: &a {routing_strategy: usage-based-routing-v2}\n"
        b"x_b: &b {num_retries: 3}\n"
        b"router_settings:\n"
        b"  <<: [*a, *b]\n"
    ),
    "alias-as-the-value-a-fix-sets": (
        b"model_list: []\nx_strategy: &s usage-based-routing-v2\nrouter_settings:\n  routing_strategy: *s\n"
    ),
    "anchor-on-a-value-a-fix-deletes": (
        b"model_list: []\nlitellm_settings:\n  timeout: &t 30\n  request_timeout: *t\n"
    ),
    "anchor-on-a-section-a-fix-deletes": (
        b"model_list: []\nserver_settings: &ss\n  prometheus:\n    port: 9090\nx_copy: *ss\n"
    ),
    "anchor-defined-inside-a-block-a-fix-deletes": (
        b"model_list: []\n"
        b"server_settings:\n"
        b"  prometheus:\n"
        b"    port: &port 9090\n"
        b"general_settings:\n"
        b"  x_metrics_port: *port\n"
    ),
    "model-info-shared-by-two-deployments": (
        b"model_list:\n"
        b"  - model_name: a\n"
        b"    litellm_params: {model: ollama/llama3.1, api_base: 'http://127.0.0.1:11434'}\n"
        b"    model_info: &mi\n"
        b"      max_input_tokens: 8192\n"
        b"  - model_name: b\n"
        b"    litellm_params: {model: ollama/qwen2.5, api_base: 'http://127.0.0.1:11434'}\n"
        b"    model_info: *mi\n"
    ),
    "deployments-merged-from-a-base": (
        b"x_base: &base\n"
        b"  litellm_params:\n"
        b"    model: ollama/llama3.1\n"
        b"    api_base: http://127.0.0.1:11434\n"
        b"  model_info:\n"
        b"    max_input_tokens: 8192\n"
        b"model_list:\n"
        b"  - <<: *base\n"
        b"    model_name: a\n"
        b"  - <<: *base\n"
        b"    model_name: b\n"
    ),
}
# the fix that must refuse, and the paths whose values must stay as they were in every place that shares them
SHARED_EXPECT: dict[str, tuple[str, list[tuple]]] = {
    "anchor-router-settings-block": (
        "G3",
        [("router_settings", "routing_strategy"), ("x_staging_router", "routing_strategy")],
    ),
    "anchor-router-settings-flow": (
        "G3",
        [("router_settings", "routing_strategy"), ("x_staging_router", "routing_strategy")],
    ),
    "merge-defaults-into-router-settings": (
        "G3",
        [("router_settings", "routing_strategy"), ("x_defaults", "routing_strategy")],
    ),
    "merge-list-into-router-settings": (
        "G3",
        [("router_settings", "routing_strategy"), ("x_a", "routing_strategy")],
    ),
    "alias-as-the-value-a-fix-sets": ("G3", [("router_settings", "routing_strategy"), ("x_strategy",)]),
    "anchor-on-a-value-a-fix-deletes": (
        "G6",
        [("litellm_settings", "timeout"), ("litellm_settings", "request_timeout")],
    ),
    "anchor-on-a-section-a-fix-deletes": ("G1", [("server_settings",), ("x_copy",)]),
    "anchor-defined-inside-a-block-a-fix-deletes": (
        "G1",
        [("server_settings", "prometheus", "port"), ("general_settings", "x_metrics_port")],
    ),
    "model-info-shared-by-two-deployments": (
        "G6",
        [("model_list", 0, "model_info"), ("model_list", 1, "model_info")],
    ),
    "deployments-merged-from-a-base": (
        "G6",
        [("model_list", 0, "model_info"), ("model_list", 1, "model_info"), ("x_base", "model_info")],
    ),
}
SHARED_BUGS: dict[str, str] = {}  # shared-node cases autofix gets wrong (none known now)


# ---- special files -----------------------------------------------------------------------------------


def _fifo(folder: Path) -> Path:
    path = folder / "config.yaml"
    os.mkfifo(path)
    return path


def _fifo_in_folder(folder: Path) -> Path:
    sub = folder / "configs"
    sub.mkdir()
    os.mkfifo(sub / "config.yaml")
    return sub


def _include_fifo(folder: Path) -> Path:
    os.mkfifo(folder / "models.yaml")
    path = folder / "config.yaml"
    path.write_bytes(b"include: [models.yaml]\n" + GOOD)
    return path


def _symlink_loop(folder: Path) -> Path:
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    return folder / "a.yaml"


def _unreadable(folder: Path) -> Path:
    path = folder / "config.yaml"
    path.write_bytes(GOOD)
    path.chmod(0o000)
    return path


def _read_only_folder(folder: Path) -> Path:
    sub = folder / "ro"
    sub.mkdir()
    path = sub / "config.yaml"
    path.write_bytes(GOOD)
    sub.chmod(0o555)
    return path


def _backup_folder_is_a_file(folder: Path) -> Path:
    path = folder / "config.yaml"
    path.write_bytes(GOOD)
    (folder / ".autofix-backups").write_bytes(b"not a folder\n")
    return path


def _python_object(folder: Path) -> Path:
    """PyYAML's unsafe loader would run `touch PWNED`; the safe loader must refuse the tag."""
    path = folder / "config.yaml"
    path.write_bytes(
        GOOD
        + b"  x_hook: !!python/object/apply:os.system ['touch "
        + str(folder / "PWNED").encode()
        + b"']\n"
    )
    return path


CASES: list[Case] = [
    # alias bombs
    Case("bomb-1e3", _file("config.yaml", laughs(3)), "handled", covers="a thousand laughs: harmless"),
    Case(
        "bomb-1e5",
        _file("config.yaml", laughs(5)),
        "handled",
        alone=True,
        covers="a hundred thousand laughs: under the limit (a million, just under it, costs ~4 s a run)",
    ),
    Case("bomb-1e7", _file("config.yaml", laughs(7)), "refused", "alias bomb", alone=True),
    Case("bomb-1e9", _file("config.yaml", laughs(9)), "refused", "alias bomb", alone=True),
    Case("bomb-quadratic", _file("config.yaml", quadratic), "refused", "alias bomb", alone=True),
    # deep nesting
    Case(
        "deep-flow-lists-200",
        _file("config.yaml", flow_lists(200)),
        "refused",
        "nested more than",
        alone=True,
    ),
    Case(
        "deep-flow-lists-10000",
        _file("config.yaml", flow_lists(10_000)),
        "refused",
        "nested more than",
        alone=True,
    ),
    Case(
        "deep-flow-lists-100000",
        _file("config.yaml", flow_lists(100_000)),
        "refused",
        "nested more than",
        alone=True,
    ),
    Case(
        "deep-flow-lists-spaced-100000",
        _file("config.yaml", lambda: flow_lists(100_000, b" ")),
        "refused",
        "nested more than",
    ),
    Case("deep-flow-maps-200", _file("config.yaml", flow_maps(200)), "refused", "nested more than"),
    Case("deep-flow-maps-10000", _file("config.yaml", flow_maps(10_000)), "refused", "nested more than"),
    Case(
        "deep-flow-maps-100000",
        _file("config.yaml", lambda: flow_maps(100_000)),
        "refused",
        "nested more than",
    ),
    Case(
        "deep-block-maps-200",
        _file("config.yaml", block_maps(200)),
        "refused",
        "nested more than",
        alone=True,
    ),
    Case(
        "deep-block-seqs-10000",
        _file("config.yaml", block_seqs(10_000)),
        "refused",
        "nested more than",
        alone=True,
    ),
    Case(
        "deep-block-seqs-100000",
        _file("config.yaml", block_seqs(100_000)),
        "refused",
        "nested more than",
        alone=True,
    ),
    # size
    Case(
        "fifty-megabytes",
        _file("config.yaml", fifty_mb),
        "refused",
        "MB; autofix reads configs up to",
        alone=True,
    ),
    Case(
        "huge-single-line",
        _file("config.yaml", huge_line),
        "handled",
        covers="4 MiB and 1 MiB lines",
        alone=True,
    ),
    # binary and encodings
    Case(
        "png",
        _file("config.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"),
        "refused",
        "not UTF-8",
    ),
    Case("nul-bytes", _file("config.yaml", GOOD + b"x_blob: a\x00b\n"), "refused", "binary file"),
    Case("latin1-in-comment", _file("config.yaml", b"# caf\xe9\n" + GOOD), "refused", "not UTF-8"),
    Case("invalid-utf8-in-key", _file("config.yaml", GOOD + b"  k\xff: 1\n"), "refused", "not UTF-8"),
    Case("latin1-in-value", _file("config.yaml", GOOD + b"  x_owner: Jos\xe9\n"), "refused", "not UTF-8"),
    Case("truncated-utf8-at-end", _file("config.yaml", GOOD + b"# \xe2\x82"), "refused", "not UTF-8"),
    Case("overlong-utf8", _file("config.yaml", GOOD + b"x: \xc0\xaf\n"), "refused", "not UTF-8"),
    Case("utf8-encoded-surrogate", _file("config.yaml", GOOD + b"x: \xed\xa0\x80\n"), "refused", "not UTF-8"),
    Case(
        "utf16-le-bom",
        _file("config.yaml", b"\xff\xfe" + GOOD.decode().encode("utf-16-le")),
        "refused",
        "UTF-16",
    ),
    Case(
        "utf16-be-bom",
        _file("config.yaml", b"\xfe\xff" + GOOD.decode().encode("utf-16-be")),
        "refused",
        "UTF-16",
    ),
    # tabs
    Case(
        "tab-indentation",
        _file("config.yaml", GOOD.replace(b"\n  routing", b"\n\trouting")),
        "refused",
        "invalid YAML",
    ),
    Case(
        "tab-after-colon",
        _file("config.yaml", GOOD.replace(b"routing_strategy: ", b"routing_strategy:\t")),
        "handled",
    ),
    # duplicate keys
    Case(
        "duplicate-top-level",
        _file("config.yaml", GOOD + b"router_settings:\n  num_retries: 2\n"),
        "refused",
        "duplicate key 'router_settings'",
    ),
    Case(
        "duplicate-nested",
        _file("config.yaml", GOOD + b"  routing_strategy: simple-shuffle\n"),
        "refused",
        "duplicate key 'routing_strategy'",
    ),
    Case(
        "duplicate-in-list-item",
        _file(
            "config.yaml",
            GOOD.replace(b"  - model_name: llama\n", b"  - model_name: llama\n    model_name: x\n"),
        ),
        "refused",
        "duplicate key 'model_name'",
    ),
    # streams
    Case(
        "multi-document",
        _file("config.yaml", GOOD + b"---\nmodel_list: []\n"),
        "refused",
        "expected a single document",
    ),
    Case(
        "multi-document-empty-second",
        _file("config.yaml", GOOD + b"---\n"),
        "refused",
        "expected a single document",
    ),
    # Jinja
    Case(
        "jinja-statements",
        _file("config.yaml", b"{% if prod %}\n" + GOOD + b"{% endif %}\n"),
        "refused",
        "Jinja template",
    ),
    Case(
        "jinja-expressions",
        _file("config.yaml", GOOD.replace(b"model_name: llama", b"model_name: {{ name }}")),
        "refused",
        "Jinja template",
    ),
    Case("jinja-comment", _file("config.yaml", b"{# generated #}\n" + GOOD), "refused", "Jinja template"),
    Case(
        "jinja-in-a-quoted-string",
        _file("config.yaml", GOOD + b'general_settings:\n  x_owner: "{{ team }}"\n'),
        "handled",
        covers="valid YAML: a string that looks like a template",
    ),
    # roots that are not mappings
    Case(
        "root-list",
        _file("config.yaml", b"- model_name: a\n- model_name: b\n"),
        "refused",
        "top level is a list",
    ),
    Case("root-scalar", _file("config.yaml", b"just a string\n"), "refused", "top level is a str"),
    Case("root-null", _file("config.yaml", b"null\n"), "refused", "the top level is"),
    Case("root-document-marker-only", _file("config.yaml", b"---\n"), "refused", "the top level is"),
    Case("root-empty", _file("config.yaml", b""), "refused", "empty file"),
    Case(
        "root-only-comments",
        _file("config.yaml", b"# model_list:\n#   - model_name: a\n"),
        "refused",
        "empty file",
    ),
    Case(
        "root-flow-mapping",
        _file(
            "config.yaml",
            b'{"router_settings": {"routing_strategy": "usage-based-routing-v2"}, "model_list": []}\n',
        ),
        "handled",
        covers="JSON-style: edits inside a flow section, refused findings for new sections",
    ),
    # anchors and merge keys (more in test_hostile.py's --format json test)
    *[
        Case(f"shared-{name}", _file("config.yaml", text), "handled", bug=SHARED_BUGS.get(name, ""))
        for name, text in SHARED.items()
    ],
    Case(
        "recursive-alias-list",
        _file("config.yaml", b"model_list: []\na: &a [*a]\n"),
        "refused",
        "recursive alias",
    ),
    Case(
        "recursive-alias-map",
        _file("config.yaml", b"model_list: []\na: &a\n  b: *a\n"),
        "refused",
        "recursive alias",
    ),
    Case(
        "undefined-alias",
        _file("config.yaml", GOOD + b"  num_retries: *nope\n"),
        "refused",
        "undefined alias",
    ),
    # special files
    Case("symlink-loop", _symlink_loop, "refused", "", alone=True),
    Case("fifo", _fifo, "refused", "not a regular file", alone=True),
    Case(
        "fifo-in-a-folder",
        _fifo_in_folder,
        "refused",
        "no LiteLLM config under this folder",
        timeout=6,
        alone=True,
    ),
    Case("include-of-a-fifo", _include_fifo, "refused", "not a regular file", alone=True),
    Case(
        "unreadable-file",
        _unreadable,
        "refused",
        "permission denied",
        root="root reads a file whatever its mode",
    ),
    Case(
        "read-only-folder",
        _read_only_folder,
        "apply-refused",
        "permission denied",
        root="root writes into a folder whatever its mode",
    ),
    Case("backup-folder-is-a-file", _backup_folder_is_a_file, "apply-refused", "cannot write"),
    # line endings
    Case(
        "crlf-bom-no-final-newline",
        _file(
            "config.yaml",
            b"\xef\xbb\xbf"
            + GOOD.replace(b"\n", b"\r\n")[:-2]
            + b"  # keep\r\nserver_settings:\r\n  prometheus:\r\n    port: 9090",
        ),
        "handled",
    ),
    Case("cr-only-line-endings", _file("config.yaml", GOOD.replace(b"\n", b"\r")), "handled"),
    Case(
        "unicode-line-separators",
        _file(
            "config.yaml", GOOD.replace(b"router_settings:\n", "router_settings:\n  # note\u2028".encode())
        ),
        "handled",
        covers="U+2028 ends a comment for PyYAML: the key after it is real",
    ),
    # YAML 1.2, tags, values
    Case(
        "yaml-1.2",
        _file(
            "config.yaml",
            b"%YAML 1.2\n---\n"
            + GOOD
            + b"general_settings:\n  x_octal: 0o644\n  x_flag: yes\n  x_null: ~\n  x_hex: 0x1F\n",
        ),
        "handled",
        covers="a 1.2 directive and 1.2-only literals, read as YAML 1.1 (as LiteLLM does)",
    ),
    Case("python-object-tag", _python_object, "refused", "could not determine a constructor"),
    Case(
        "python-name-tag",
        _file("config.yaml", GOOD + b"  x_hook: !!python/name:os.system\n"),
        "refused",
        "could not determine a constructor",
    ),
    Case(
        "local-tag",
        _file("config.yaml", GOOD + b"  x_ref: !Ref other\n"),
        "refused",
        "could not determine a constructor",
    ),
    Case("nan-and-infinity", _file("config.yaml", GOOD + b"  x_weight: .nan\n  x_cap: .inf\n"), "handled"),
    # keys
    Case(
        "long-plain-key",
        _file("config.yaml", GOOD + b"  " + b"k" * 2000 + b": 1\n"),
        "refused",
        "invalid YAML",
        covers="YAML caps implicit keys at 1024 characters; LiteLLM cannot read it either",
    ),
    Case(
        "long-explicit-key",
        _file("config.yaml", GOOD + b"  ? " + b"k" * 100_000 + b"\n  : 1\n"),
        "handled",
        alone=True,
    ),
    Case("long-quoted-key", _file("config.yaml", GOOD + b'  "' + b"k" * 1000 + b'": 1\n'), "handled"),
    Case(
        "many-long-keys",
        _file(
            "config.yaml",
            lambda: (
                GOOD
                + b"general_settings:\n"
                + b"".join(b"  x_" + str(i).encode() + b"k" * 1000 + b": 1\n" for i in range(300))
            ),
        ),
        "handled",
        alone=True,
    ),
]


def build(out: Path) -> list[tuple[Case, Path]]:
    """Write every case into its own folder under `out`."""
    made = []
    for case in CASES:
        folder = out / case.name
        folder.mkdir(parents=True)
        made.append((case, case.make(folder)))
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT_DIR")
    for case, path in build(Path(sys.argv[1])):
        print(f"{case.expect:14} {case.name:45} {path}")
