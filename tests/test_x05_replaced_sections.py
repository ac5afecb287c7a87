"""X5 and include files: a section an included file replaces is dead, and reported (issue 10, item 10).

LiteLLM's include merge (`proxy/common_utils/config_includes.py` `_merged_value`) extends a list value
and replaces any other, so a root `litellm_settings` is never read when an included file has its own
(a root `callbacks: [prometheus]` then leaves `/metrics` at 404).
"""

from autofix import registry
from autofix.discover import read_config
from autofix.runner import run

X5 = registry.find("X5")


def _run(tmp_path, root: str, **files: str):
    main = tmp_path / "config.yaml"
    main.write_text(root)
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return run(main.read_bytes(), [X5], name=str(main), path=main, read=read_config)


MODELS = "model_list:\n  - model_name: gpt\n    litellm_params: {model: openai/gpt-4o}\n"


def test_a_root_section_an_included_file_replaces_is_reported(tmp_path):
    result = _run(
        tmp_path,
        "include: [models.yaml]\nlitellm_settings:\n  callbacks: [prometheus]\nrouter_settings:\n  num_retries: 2\n",
        models=MODELS + "litellm_settings:\n  drop_params: true\n",
    )
    (found,) = [f for f in result.findings if "replaced" in f.message]
    assert found.kind == "warning" and found.file is None and found.line == 2
    assert "models.yaml, which LiteLLM merges in later" in found.message and "(callbacks)" in found.message
    assert not any("router_settings" in f.message for f in result.findings)  # only one file sets it


def test_a_list_split_over_files_is_not_replaced(tmp_path):
    result = _run(tmp_path, "include: [models.yaml]\n" + MODELS, models=MODELS)
    assert not any("replaced" in f.message for f in result.findings)


def test_an_included_file_replaced_by_a_later_one_names_that_file(tmp_path):
    result = _run(
        tmp_path,
        "include: [a.yaml, b.yaml]\n" + MODELS,
        a="router_settings:\n  num_retries: 1\n",
        b="router_settings:\n  num_retries: 3\n",
    )
    (found,) = [f for f in result.findings if "replaced" in f.message]
    assert found.file.endswith("a.yaml") and found.line == 1 and "b.yaml" in found.message


def test_a_single_file_has_nothing_replaced(tmp_path):
    main = tmp_path / "config.yaml"
    main.write_text("litellm_settings:\n  drop_params: true\n")
    result = run(main.read_bytes(), [X5], name=str(main))
    assert not result.findings
