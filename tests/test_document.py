"""The Document layer: span edits keep every untouched byte, comments stay with their keys."""

import pytest
import yaml

from autofix.changes import MISSING
from autofix.document import Document
from autofix.errors import EditRefused, InputError
from autofix.render import render_scalar
from autofix.verify import verify


def edit(text: str, *ops) -> str:
    doc = Document(text)
    for op, *args in ops:
        getattr(doc, op)(*args)
    doc.commit()
    verify(text, doc.text, doc.changes)
    return doc.text


def test_set_scalar_keeps_quotes_and_inline_comment():
    text = 'a:\n  s: "old"   # why\n  t: 1\n'
    assert edit(text, ("set", ("a", "s"), "new")) == 'a:\n  s: "new"   # why\n  t: 1\n'


def test_set_single_quoted_and_plain():
    assert edit("k: 'x'\n", ("set", ("k",), "it's")) == "k: 'it''s'\n"
    assert edit("k: x\n", ("set", ("k",), "yes")) == 'k: "yes"\n'  # a plain yes would read as true
    assert edit("k: x\n", ("set", ("k",), 300)) == "k: 300\n"


def test_add_key_goes_after_last_entry_above_blank_line_and_section_comment():
    text = "a:\n  x: 1\n  y:\n    - 1\n\n# section b\nb: 2\n"
    out = edit(text, ("set", ("a", "z"), True))
    assert out == "a:\n  x: 1\n  y:\n    - 1\n  z: true\n\n# section b\nb: 2\n"


def test_add_key_at_mapping_own_indentation():
    text = "a:\n    x: 1\n    y: 2\nb: 1\n"
    assert edit(text, ("set", ("a", "z"), 3)) == "a:\n    x: 1\n    y: 2\n    z: 3\nb: 1\n"


def test_new_section_goes_after_existing_sections_with_the_files_spacing():
    text = "a: 1\n\nb:\n  c: 2\n"
    assert edit(text, ("set", ("new", "k"), 1)) == "a: 1\n\nb:\n  c: 2\n\nnew:\n  k: 1\n"
    assert edit("a: 1\nb: 2\n", ("set", ("new", "k"), 1)) == "a: 1\nb: 2\nnew:\n  k: 1\n"


def test_nested_missing_parents_are_created_in_one_block():
    out = edit("a: 1\n", ("set", ("s", "x"), 1), ("set", ("s", "y"), 2), ("set", ("s", "z", "w"), [1, 2]))
    assert out == "a: 1\ns:\n  x: 1\n  y: 2\n  z:\n    w: [1, 2]\n"


def test_delete_takes_the_comment_directly_above_and_leaves_the_next_keys_comment():
    text = "a:\n  # about x\n  x: 1   # inline\n  # about y\n  y: 2\n"
    assert edit(text, ("delete", ("a", "x"))) == "a:\n  # about y\n  y: 2\n"


def test_delete_keeps_a_less_indented_section_comment():
    text = "# section\na:\n  x: 1\n  y: 2\n"
    assert edit(text, ("delete", ("a", "x"))) == "# section\na:\n  y: 2\n"


def test_delete_section_tidies_blank_lines():
    text = "a: 1\n\n# about b\nb:\n  x: 1\n\nc: 2\n"
    assert edit(text, ("delete", ("b",))) == "a: 1\n\nc: 2\n"


def test_delete_last_key_with_prune_removes_empty_parent():
    text = "a:\n  b:\n    c: 1\nd: 2\n"
    assert edit(text, ("delete", ("a", "b", "c"), True)) == "d: 2\n"
    assert edit(text, ("delete", ("a", "b", "c"))) == "a:\n  b: {}\nd: 2\n"


def test_delete_first_key_of_list_item_keeps_the_dash():
    text = "l:\n  - a: 1\n    b: 2\n"
    assert edit(text, ("delete", ("l", 0, "a"))) == "l:\n  - b: 2\n"


def test_append_block_flow_string_and_missing():
    assert edit("l:\n  - a\n  - b\nx: 1\n", ("append", ("l",), "c")) == "l:\n  - a\n  - b\n  - c\nx: 1\n"
    assert edit('l: ["a"]\n', ("append", ("l",), "b")) == 'l: ["a", "b"]\n'
    assert edit("l: []\n", ("append", ("l",), "b")) == "l: [b]\n"
    assert edit("l: mod.handler\n", ("append", ("l",), "b")) == "l: [mod.handler, b]\n"
    assert edit("x: 1\n", ("append", ("l",), "b")) == "x: 1\nl: [b]\n"


def test_append_never_duplicates():
    doc = Document("l: [a, b]\n")
    assert doc.append(("l",), "a") is False
    assert not doc.changes


def test_rename_keeps_value_and_comments():
    text = "r:\n  # fallbacks\n  old_name:  # c\n    a: [b]\n"
    assert (
        edit(text, ("rename", ("r", "old_name"), "new_name"))
        == "r:\n  # fallbacks\n  new_name:  # c\n    a: [b]\n"
    )


def test_crlf_bom_and_missing_final_newline_are_kept():
    text = "a:\r\n  x: 1\r\nb: 2"
    doc = Document(text, bom=True)
    doc.set(("a", "y"), 2)
    doc.delete(("b",))
    data = doc.render()
    assert data == b"\xef\xbb\xbfa:\r\n  x: 1\r\n  y: 2"


def test_trailing_whitespace_and_document_marker_untouched():
    text = "---\na: 1   \n# c  \nb:\n  x: y\t\n"
    assert edit(text, ("set", ("b", "x"), "z")) == "---\na: 1   \n# c  \nb:\n  x: z\t\n"


def test_flow_mapping_is_rewritten_in_flow_style():
    assert edit("a: {x: 1}\n", ("set", ("a", "y"), 2)) == "a: {x: 1, y: 2}\n"
    assert edit("a: {x: 1, y: 2}\n", ("delete", ("a", "x"))) == "a: {y: 2}\n"


def test_empty_value_becomes_block():
    text = "a:\n  # note\nb: 1\n"
    assert edit(text, ("set", ("a", "k"), 1)) == "a:\n  k: 1\n  # note\nb: 1\n"


def test_values_read_as_litellm_reads_them():
    doc = Document("a: yes\nb: 0644\nc: on\nd: '1'\n")
    assert (
        doc.get(("a",)) is True
        and doc.get(("b",)) == 420
        and doc.get(("c",)) is True
        and doc.get(("d",)) == "1"
    )
    assert doc.get(("zz",)) is MISSING


def test_edit_through_anchor_is_refused():
    text = "base: &b\n  x: 1\nuse: *b\n"
    doc = Document(text)
    with pytest.raises(EditRefused, match="shared through an anchor"):
        doc.set(("base", "x"), 2)


def test_key_from_merge_is_refused_but_own_keys_edit():
    text = "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n"
    doc = Document(text)
    with pytest.raises(EditRefused, match="merge key"):
        doc.delete(("use", "x"))
    doc.set(("use", "y"), 3)
    doc.commit()
    assert doc.text == "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 3\n"


def test_alias_value_as_last_entry_allows_adding_after_it():
    text = "d: &d 5\nm:\n  a: *d\n"
    assert edit(text, ("set", ("m", "b"), 1)) == "d: &d 5\nm:\n  a: *d\n  b: 1\n"


def test_block_scalar_last_value():
    text = "m:\n  s: |\n    line\n\n    # not a comment\n\n# section\nn: 1\n"
    out = edit(text, ("set", ("m", "k"), 1))
    assert out == "m:\n  s: |\n    line\n\n    # not a comment\n  k: 1\n\n# section\nn: 1\n"


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "with space",
        "yes",
        "1:20",
        "a: b",
        "#x",
        "é",
        "os.environ/X",
        "",
        "qwen2.5-coder:7b",
        "-dash",
        "null",
        "0644",
        "x\ny",
        "tab\tin",
    ],
)
def test_render_scalar_round_trips(value):
    assert yaml.safe_load(f"k: {render_scalar(value)}") == {"k": value}
    assert yaml.safe_load(f"k: [{render_scalar(value, flow=True)}]") == {"k": [value]}


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "empty file"),
        ("# only a comment\n", "empty file"),
        ("- a\n- b\n", "top level is a list"),
        ("just a string\n", "top level is a str"),
        ("a: [1,\n", "invalid YAML"),
        ("model: {{ model }}\n", "Jinja template"),
        ("{% for m in models %}\n- {{ m }}\n{% endfor %}\n", "Jinja template"),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' at lines 1 and 3"),
        ("a: 1\n---\nb: 2\n", "invalid YAML"),
        ("a:\n\t- b\n", "invalid YAML"),
    ],
)
def test_bad_input_is_one_clear_line(text, reason):
    with pytest.raises(InputError) as info:
        Document(text)
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_non_utf8_and_binary():
    with pytest.raises(InputError, match="not UTF-8"):
        Document.from_bytes(b"a: \xff\xfe\n", "x.yaml")
    with pytest.raises(InputError, match="binary"):
        Document.from_bytes(b"a: 1\x00\n", "x.yaml")


def test_insertions_at_one_offset_nest_correctly_whatever_their_order():
    text = "a:\n  l:\n    - x\n"
    out = edit(
        text,
        ("set", ("b", "k"), 1),
        ("set", ("a", "m"), 2),
        ("append", ("a", "l"), "y"),
        ("set", ("b", "j"), 3),
    )
    assert out == "a:\n  l:\n    - x\n    - y\n  m: 2\nb:\n  k: 1\n  j: 3\n"


def test_a_refused_migration_leaves_no_trace(tmp_path):
    from autofix.migration import Context, Migration
    from autofix.runner import run

    # keys LiteLLM reads (a fix that writes one it does not read is refused for that reason instead)
    def first(ctx: Context):
        ctx.doc.set(("general_settings", "health_check_details"), False)

    def second(ctx: Context):
        ctx.doc.set(
            ("general_settings", "alerting_threshold"), 2
        )  # extends the section the first one creates
        ctx.doc.set(("base", "x"), 2)  # shared through an anchor: refused

    m1 = Migration("T1", "one", "p0", "safe", "t", "", first)
    m2 = Migration("T2", "two", "p0", "safe", "t", "", second)
    result = run(b"base: &b\n  x: 1\nuse: *b\n", [m1, m2])
    assert (
        result.new_bytes == b"base: &b\n  x: 1\nuse: *b\ngeneral_settings:\n  health_check_details: false\n"
    )
    assert any(f.kind == "refused" and f.migration == "T2" for f in result.findings)


def test_deleting_the_only_key_while_a_sibling_is_queued():
    text = "s:\n  old: 1\nt: 2\n"
    assert edit(text, ("set", ("s", "new"), True), ("delete", ("s", "old"))) == "s:\n  new: true\nt: 2\n"


def test_mapping_to_items_keeps_every_comment():
    text = "r:\n  cw:\n    # small to large\n    a: b   # 4k to 32k\n    c: [d]  # 8k\n  other: 1\n"
    doc = Document(text)
    assert doc.mapping_to_items(("r", "cw"), [{"a": ["b"]}, {"c": ["d"]}])
    doc.rename(("r", "cw"), "cwf")
    doc.set(("r", "cwf", 0, "a"), ["b", "e"])
    doc.commit()
    verify(text, doc.text, doc.changes)
    assert doc.text == (
        "r:\n  cwf:\n    # small to large\n    - a: [b, e]   # 4k to 32k\n    - c: [d]  # 8k\n  other: 1\n"
    )


def test_set_after_rename_and_two_appends_to_an_empty_list():
    assert (
        edit("r:\n  old: [a]\n", ("rename", ("r", "old"), "new"), ("set", ("r", "new"), ["b"]))
        == "r:\n  new: [b]\n"
    )
    assert edit("l: []\n", ("append", ("l",), "a"), ("append", ("l",), "b")) == "l: [a, b]\n"
    assert edit("l:\nx: 1\n", ("append", ("l",), "a"), ("append", ("l",), "b")) == "l: [a, b]\nx: 1\n"
    assert edit(
        "x: 1\n", ("set", ("s", "k"), 1), ("append", ("s", "l"), "a"), ("append", ("s", "l"), "b")
    ) == ("x: 1\ns:\n  k: 1\n  l: [a, b]\n")


def test_flow_deletions_keep_the_neighbours_text():
    assert edit('c: ["a", "webhook", "b"]\n', ("remove_item", ("c",), "webhook")) == 'c: ["a", "b"]\n'
    assert edit('c: ["a", "webhook"]  # x\n', ("remove_item", ("c",), "webhook")) == 'c: ["a"]  # x\n'
    assert edit('c: ["webhook"]\n', ("remove_item", ("c",), "webhook")) == "c: []\n"
    assert edit("m: {a: 'x', b: 2, c: \"y\"}\n", ("delete", ("m", "b"))) == "m: {a: 'x', c: \"y\"}\n"
    assert edit("m: {a: 'x', b: 2}\n", ("delete", ("m", "b"))) == "m: {a: 'x'}\n"


def test_deleting_the_first_section_leaves_no_blank_line_at_the_top():
    text = "# timeouts\nlitellm_settings:\n  timeout: 300\n\nrouter_settings:\n  timeout: 30\n"
    assert (
        edit(text, ("delete", ("litellm_settings", "timeout"), True)) == "router_settings:\n  timeout: 30\n"
    )


def test_filling_an_empty_last_value_while_inserting_at_the_same_offset():
    assert edit("a:\n  alerting:\n", ("set", ("a", "alerting"), ["slack"]), ("set", ("a", "t"), 300)) == (
        "a:\n  alerting: [slack]\n  t: 300\n"
    )
    assert edit("a:\n  cb:\n", ("set", ("a", "cb"), ["otel"]), ("set", ("b", "t"), 300)) == (
        "a:\n  cb: [otel]\nb:\n  t: 300\n"
    )
    assert edit(
        "general_settings:\n",
        ("set", ("litellm_settings", "callbacks"), ["otel"]),
        ("set", ("general_settings", "alerting"), ["slack"]),
    ) == ("general_settings:\n  alerting: [slack]\nlitellm_settings:\n  callbacks: [otel]\n")


def test_deleting_a_blank_line_separated_block_keeps_single_spacing():
    text = "a: 1\n\nd: false\ne: false\n\ng: 1\n"
    assert edit(text, ("delete", ("d",)), ("delete", ("e",))) == "a: 1\n\ng: 1\n"
    assert edit("a: 1\n\n\nb: 2\n", ("set", ("a",), 3)) == "a: 3\n\n\nb: 2\n"  # the user's own spacing stays


def test_emptying_a_block_keeps_the_comment_on_its_key_line_and_waits_for_later_keys():
    assert edit("r:  # ops: keep\n  x: 1\nm: []\n", ("delete", ("r", "x"))) == "r: {}  # ops: keep\nm: []\n"
    out = edit("r:  # ops: keep\n  x: 1\nm: []\n", ("delete", ("r", "x")), ("set", ("r", "y"), 2))
    assert out == "r:  # ops: keep\n  y: 2\nm: []\n"
    assert edit("l:\n  cb:  # why\n    - a\n", ("set", ("l", "cb"), ["b"])) == "l:\n  cb: [b]  # why\n"


def _nested_list_config(depth: int, offset: int) -> tuple[str, tuple]:
    """A list that is the last value of `depth` nested mappings, all ending at one offset."""
    lines, path = [], []
    for level in range(depth):
        lines.append("  " * level + f"k{level}:")
        lines.append("  " * (level + 1) + f"first{level}: 1")
        path.append(f"k{level}")
    lines.append("  " * depth + "items:")
    lines.extend(" " * (2 * depth + offset) + f"- v{i}" for i in range(2))
    lines.append("after: 1")
    return "\n".join(lines) + "\n", (*path, "items")


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("offset", [0, 2])
@pytest.mark.parametrize("append_first", [True, False])
def test_insertions_at_one_offset_follow_the_structure(depth, offset, append_first):
    # Item and keys all land where the list and its enclosing mappings end: each must join the
    # structure it extends (item in the list, key in its mapping), whatever order they are queued in.
    text, items = _nested_list_config(depth, offset)
    appends = [("append", items, "new")]
    adds = [("set", (*items[:level], f"added{level}"), True) for level in range(1, depth + 1)]
    ops = appends + adds if append_first else adds[::-1] + appends
    out = edit(text, *ops)
    data = yaml.safe_load(out)
    node = data
    for level, key in enumerate(items[:-1]):
        node = node[key]
        assert node[f"added{level + 1}"] is True
    assert node["items"] == ["v0", "v1", "new"]
    assert data["after"] == 1


@pytest.mark.parametrize(
    ("text", "op", "expected"),
    [
        (
            "r: {disable_cooldowns: True, num_retries: 3}\n",
            ("set", ("r", "num_retries"), 5),
            "r: {disable_cooldowns: True, num_retries: 5}\n",
        ),
        (
            "r: { a: 'x',  b: 0o10, c: yes }\n",
            ("delete", ("r", "b")),
            "r: { a: 'x',  c: yes }\n",
        ),
        (
            "r: {a: ~, b: [On, 'two'], c: 1}\n",
            ("set", ("r", "d"), "new"),
            "r: {a: ~, b: [On, 'two'], c: 1, d: new}\n",
        ),
        (
            "r: {a: {x: Yes, y: 1}, b: 2}\n",
            ("set", ("r", "a", "y"), 2),
            "r: {a: {x: Yes, y: 2}, b: 2}\n",
        ),
        (
            "r: [Yes, 'b', 0x1F]\n",
            ("append", ("r",), "c"),
            "r: [Yes, 'b', 0x1F, c]\n",
        ),
    ],
)
def test_untouched_entries_of_an_edited_flow_collection_keep_their_text(text, op, expected):
    assert edit(text, op) == expected


@pytest.mark.parametrize("blank", ["", "\n"])
@pytest.mark.parametrize("indent", [2, 4])
def test_a_new_key_goes_below_the_last_values_commented_out_continuation(blank, indent):
    # `#   socket_connect_timeout: 10` continues redis_kwargs; a key added to router_settings must not
    # land above it (uncommented later, it would nest under the new key).
    pad, deep = " " * indent, " " * (2 * indent)
    text = (
        f"router_settings:\n{pad}redis_kwargs:\n{deep}socket_timeout: 5\n{blank}"
        f"{deep}#   socket_connect_timeout: 10\n{pad}# a comment of router_settings\n\ngeneral_settings: {{}}\n"
    )
    out = edit(text, ("set", ("router_settings", "num_retries"), 3))
    tail = f"{deep}#   socket_connect_timeout: 10\n{pad}num_retries: 3\n{pad}# a comment of router_settings\n"
    assert tail in out, out
    uncommented = yaml.safe_load(out.replace("#   socket_connect_timeout", "socket_connect_timeout"))
    assert uncommented["router_settings"]["redis_kwargs"] == {
        "socket_timeout": 5,
        "socket_connect_timeout": 10,
    }


def test_a_new_section_goes_below_the_last_sections_indented_comments_after_a_blank_line():
    text = "general_settings:\n  master_key: os.environ/KEY\n\n  # database_url: os.environ/DATABASE_URL\n"
    out = edit(text, ("set", ("litellm_settings", "json_logs"), True))
    assert out.startswith(text), out


@pytest.mark.parametrize(
    ("above", "kept"),
    [
        ("  # request_timeout: 120\n", True),  # a commented-out setting of another key stays
        ("  #request_timeout: 120\n  # the stream limit\n", True),
        ("  # the stream limit, in seconds\n", False),  # a comment on the key goes with it
        ("  # stream_timeout: 60\n", False),  # an old value of the deleted key itself goes too
    ],
)
def test_deleting_a_key_keeps_a_commented_out_setting_of_another_key_above_it(above, kept):
    text = f"litellm_settings:\n  drop_params: true\n{above}  stream_timeout: 0\n  json_logs: true\n"
    out = edit(text, ("delete", ("litellm_settings", "stream_timeout")))
    first = above.splitlines()[0]
    assert (first in out) == kept, out
    assert "stream_timeout: 0" not in out


def test_deleting_a_key_takes_its_deeper_comments_after_a_blank_line():
    text = "a:\n  b:\n    c: 1\n\n    # d: 2\n  e: 1\n"
    assert edit(text, ("delete", ("a", "b"))) == "a:\n  e: 1\n"


MOVE_SOURCE = (
    "router_settings:\n"
    "  routing_strategy: simple-shuffle\n"
    "  # health checks every minute\n"
    "  # (the ops team asked for it)\n"
    "  health_check_interval: 60  # seconds\n"
    "  num_retries: 2\n"
)


@pytest.mark.parametrize("indent", [2, 4])
def test_a_moved_key_takes_its_comments_to_an_existing_section(indent):
    pad = " " * indent
    text = MOVE_SOURCE + f"general_settings:\n{pad}master_key: os.environ/KEY\n"
    out = edit(
        text,
        ("move", ("router_settings", "health_check_interval"), ("general_settings", "health_check_interval")),
    )
    assert out == (
        "router_settings:\n  routing_strategy: simple-shuffle\n  num_retries: 2\n"
        f"general_settings:\n{pad}master_key: os.environ/KEY\n"
        f"{pad}# health checks every minute\n{pad}# (the ops team asked for it)\n{pad}health_check_interval: 60  # seconds\n"
    )


def test_a_moved_key_takes_its_comments_to_a_new_section_that_later_keys_join():
    doc = Document(MOVE_SOURCE)
    doc.move(("router_settings", "health_check_interval"), ("general_settings", "health_check_interval"))
    doc.set(("general_settings", "background_health_checks"), True)
    doc.commit()
    verify(MOVE_SOURCE, doc.text, doc.changes)
    assert doc.text.endswith(
        "general_settings:\n  # health checks every minute\n  # (the ops team asked for it)\n"
        "  health_check_interval: 60  # seconds\n  background_health_checks: true\n"
    ), doc.text


def test_a_moved_block_value_keeps_its_inner_comments_and_relative_indentation():
    text = "a:\n  keep: 1\n  moved:\n    # inner\n    x: |\n      line one\n        deeper\n    y: [1, 2]\nb:\n    z: 1\n"
    out = edit(text, ("move", ("a", "moved"), ("b", "moved")))
    assert (
        out
        == "a:\n  keep: 1\nb:\n    z: 1\n    moved:\n      # inner\n      x: |\n        line one\n          deeper\n      y: [1, 2]\n"
    )


def test_a_move_the_text_cannot_follow_still_moves_the_value():
    text = "a: {keep: 1, moved: 2}\nb:\n  z: 1\n"
    out = edit(text, ("move", ("a", "moved"), ("b", "moved")))
    assert yaml.safe_load(out) == {"a": {"keep": 1}, "b": {"z": 1, "moved": 2}}


@pytest.mark.parametrize(
    "text, out",
    [
        # the last key of the last section moving up to the top level: the paste point was inside the cut
        (
            "a:\n  x: 1\n  # above\n  k:  # inline\n    y: 2  # c\n",
            "a:\n  x: 1\n# above\nk:  # inline\n  y: 2  # c\n",
        ),
        ("a:\n  x: 1\n  k:\n    y: 2", "a:\n  x: 1\nk:\n  y: 2"),  # no final line break
        ("a:\r\n  x: 1\r\n  k:\r\n    y: 2\r\n", "a:\r\n  x: 1\r\nk:\r\n  y: 2\r\n"),
        # a blank line between sections: the new one is set apart too
        ("m: 1\n\na:\n  x: 1\n  k:\n    y: 2\n", "m: 1\n\na:\n  x: 1\n\nk:\n  y: 2\n"),
        # a comment left of the key's column, and anchor/alias characters in comments, do not stop it
        ("a:\n  x: 1\n  k:\n# why\n    y: 2\n", "a:\n  x: 1\nk:\n# why\n  y: 2\n"),
        ("a:\n  x: 1\n  # *the* k & co\n  k:\n    y: 2\n", "a:\n  x: 1\n# *the* k & co\nk:\n  y: 2\n"),
    ],
)
def test_moving_a_key_to_the_top_level_takes_its_comments(text, out):
    """Found when G5 moved litellm_settings.callback_settings with doc.move: a key that was the last
    thing in the file, or held a comment left of its column, fell back to delete + set (comments lost)."""
    doc = Document(text)
    doc.move(("a", "k"), ("k",))
    doc.commit()
    verify(text, doc.text, doc.changes)
    assert doc.text == out


@pytest.mark.parametrize("key_comment", ["", "  # ops: keep"])
def test_moving_the_only_key_leaves_an_empty_mapping_and_takes_its_comments(key_comment):
    text = f"a:{key_comment}\n  # why\n  k: 1  # note\nb:\n  z: 1\n"
    out = edit(text, ("move", ("a", "k"), ("b", "k")))
    assert out == f"a: {{}}{key_comment}\nb:\n  z: 1\n  # why\n  k: 1  # note\n"


def test_emptying_a_mapping_drops_the_inline_comment_of_the_key_it_deletes():
    text = "a:  # keep\n  k: 1  # goes with k\nb: 2\n"
    assert edit(text, ("delete", ("a", "k"))) == "a: {}  # keep\nb: 2\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('cb: ["a", "b"]\n', 'cb: ["a", "b", "c"]\n'),
        ("cb: ['a', 'b']\n", "cb: ['a', 'b', 'c']\n"),
        ('cb: [a, "b"]\n', 'cb: [a, "b", c]\n'),  # no one style: plain where plain reads the same
    ],
)
def test_a_new_item_of_a_rewritten_flow_list_takes_its_siblings_quotes(text, expected):
    doc = Document(text)
    doc.set(("cb",), [*doc.get(("cb",)), "c"])
    doc.commit()
    verify(text, doc.text, doc.changes)
    assert doc.text == expected


# A key added where a queued deletion cuts the last lines of the mapping goes where it would go once
# they are gone, in the same commit: the text must be exactly what committing first would give.
_CUT_THEN_ADD = [
    ("server_settings:\n  port: 4000\n  prometheus:\n    port: 9090  # scraped\n", True),
    ("server_settings:\n  port: 4000\n  prometheus: [a,\n    b]\n", True),
    # emptied to `{}`, a replacement that a new key for it must wait for
    ("a: 1\nserver_settings:\n  prometheus:\n    port: 9090\n", (True, False)),
    ("server_settings:\n  port: 4000\n\n  prometheus:\n    port: 9090\n", True),
    ("a: 1\n\nserver_settings:\n  port: 4000\n  # prometheus: off\n  prometheus:\n    port: 9090\n", True),
    ("server_settings:\n  port: 4000\n# about prometheus\n  prometheus:\n    port: 9090\n", True),
    ("server_settings:\n  port: 4000\n  # kept, indented\n\n  prometheus: 1\n# the end\n", True),
    ("server_settings:\n  port: |\n    # not a comment\n  prometheus: 1\n", True),
    ("server_settings:\n  port: 4000\n  prometheus: 1\n    # tail of prometheus\n  # tail\n", True),
    ("server_settings:\r\n  port: 4000\r\n  prometheus:\r\n    port: 9090\r\n", True),
    ("server_settings:\n  port: 4000\n  prometheus: 1", True),  # no final newline: not a cut of lines
]


@pytest.mark.parametrize(("text", "one_commit"), _CUT_THEN_ADD)
@pytest.mark.parametrize("added", [("general_settings", "k"), ("server_settings", "host")])
def test_a_key_added_below_a_queued_cut_lands_where_it_would_after_the_cut(text, one_commit, added):
    doc = Document(text)
    doc.delete(("server_settings", "prometheus"))
    doc.set(added, True)
    if isinstance(one_commit, tuple):
        one_commit = one_commit[added[0] == "server_settings"]
    assert (len(doc._pending) == 2) is one_commit  # no commit (and no parse) in between
    doc.commit()
    verify(text, doc.text, doc.changes)
    first = Document(text)
    first.delete(("server_settings", "prometheus"))
    first.commit()
    first.set(added, True)
    first.commit()
    assert doc.text == first.text
