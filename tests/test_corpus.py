"""The 27 proxy configs shipped with litellm 1.110.2: each is fixed (or refused cleanly) without collateral damage."""

from pathlib import Path

import pytest
from checks import assert_good_fix

from autofix import registry
from autofix.errors import InputError

CORPUS = sorted((Path(__file__).resolve().parent / "corpus" / "litellm-1.110.2").glob("*.yaml"))


def test_corpus_is_complete():
    assert len(CORPUS) == 27


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("selection", ["default", "everything"])
def test_corpus_config(path: Path, selection: str):
    if selection == "default":
        plan, unsafe = registry.select(), False
    else:
        plan, unsafe = registry.select(["p0,p1,p2"]), True
    try:
        assert_good_fix(path.read_bytes(), plan, unsafe=unsafe)
    except InputError as exc:  # refused cleanly: one line with a reason
        assert exc.reason and "\n" not in exc.reason
