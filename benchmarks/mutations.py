"""Mutation benchmark: single mistakes injected into real LiteLLM configs, and what catches them.

    python benchmarks/mutations.py [--seed 13] [--per-config 8] [--json out.json]

Base configs: the 27 proxy configs shipped in the litellm 1.110.2 wheel (tests/corpus/) and every
fixture's `after.yaml` on which autofix's checks report no ignored or rejected setting (a fixture that
keeps a mistake on purpose, to test that a fix reports it, is left out; the count is printed).

Each mutation is one mistake of the kinds people make, written into the file's text by autofix's own
span editor (every other byte stays): in a section name, a settings key (router_settings,
litellm_settings, general_settings), a deployment key (and the keys of its litellm_params and
model_info that LiteLLM knows by name), or an enumerated value (routing_strategy, cache
type, callback names, alerting channels, alert types, pre-call checks, ...): a letter dropped, doubled,
swapped with its neighbour or replaced, the wrong case, singular/plural; a settings key moved to a
section that does not read it; an integer or boolean setting written as a string. A mutation counts only
when LiteLLM 1.110.2 itself would ignore or reject the result according to its source (the generated
data file): a mutation that yields another valid name (`tpm_limit` -> `rpm_limit`) is no mistake a
checker could see, and is not drawn. Everything is seeded: the same seed gives the same mutations.

Figures:
- detected: `autofix --check` (every fix, without --unsafe-fixes) reports a finding, absent from the
  unmutated config's run, on the mutated setting, or a fix changes it (G2 moving a misplaced
  `health_check_interval`);
- repaired: `autofix apply --unsafe-fixes` gives the same data (as PyYAML reads it) as on the unmutated
  config (also shown: the same bytes);
- false findings: findings of the checks that flag ignored or rejected settings (X5, X6) on the
  unmutated configs, except those in TRUE_FINDINGS (checked by hand, with the reason): must be 0;
- schema: the share of mutated configs `autofix schema` rejects (jsonschema, draft 2020-12).
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autofix.document import Document  # noqa: E402
from autofix.errors import EditRefused, InputError, VerificationError  # noqa: E402

AutofixError = (InputError, EditRefused, VerificationError)
from autofix.litellm_data import GS, LS, RS, key_is_read, names, section_is_read, setting_schema  # noqa: E402
from autofix.registry import all_migrations, select  # noqa: E402
from autofix.runner import run  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "litellm-1.110.2"
FIXTURES = ROOT / "fixtures"
SECTIONS = (RS, LS, GS)
DEPLOYMENT_KEYS = ("model_name", "litellm_params", "model_info")
CHECKS = ("X5", "X6")  # the checks whose findings say "LiteLLM ignores or rejects this"
KINDS = ("drop", "double", "swap", "replace", "case", "plural")
NESTED_POOLS = {  # keys of a deployment's blocks that LiteLLM knows by name
    "params-key": lambda: names("litellm_params_keys"),
    "info-key": lambda: names("model_info_keys"),
}
# Findings on an unmutated config that are true, checked by hand against the LiteLLM 1.110.2 source:
TRUE_FINDINGS = {
    ("corpus/example_config_yaml__opentelemetry_config.yaml", ("general_settings", "otel")): (
        "general_settings.otel is a ConfigGeneralSettings field (litellm/proxy/_types.py) that no code reads; "
        "tracing is the otel callback (G8 migrates it)"
    ),
}


@dataclass
class Mutation:
    config: str
    kind: str  # drop | double | swap | replace | case | plural | section | type
    where: str  # key | section | deployment-key | value | type
    path: tuple  # the mutated setting, as it is in the mutated file
    before: object
    after: object
    text: bytes

    def label(self) -> str:
        return f"{self.config}: {self.kind} {'.'.join(map(str, self.path))} {self.before!r} -> {self.after!r}"


# ---- what LiteLLM accepts --------------------------------------------------------------------------------


def callback_names() -> frozenset[str]:
    return (
        names("known_custom_logger_callbacks")
        | names("callback_special_hooks")
        | names("generic_api_compatible_callbacks")
        | names("legacy_success_callbacks")
    )


def enumerations(data: dict) -> list[tuple[tuple, frozenset[str]]]:
    """(path of a string value, the values LiteLLM accepts there) for every enumerated value in the config."""
    out = []

    def add(path, valid):
        out.append((path, frozenset(v for v in valid if isinstance(v, str))))

    for section in SECTIONS:
        settings = data.get(section)
        if not isinstance(settings, dict):
            continue
        for key, value in settings.items():
            spec = setting_schema(section, key) if isinstance(key, str) else None
            schema = (spec or {}).get("schema") or {}
            enum = schema.get("enum")
            items = next(
                (
                    p["items"]["enum"]
                    for p in [schema, *schema.get("anyOf", [])]
                    if "enum" in p.get("items", {})
                ),
                None,
            )
            if enum and isinstance(value, str):
                add((section, key), enum)
            elif items and isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, str):
                        add((section, key, i), items)
    ls = data.get(LS) if isinstance(data.get(LS), dict) else {}
    for key in ("callbacks", "success_callback", "failure_callback"):
        value = ls.get(key)
        if isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str) and v in callback_names():
                    add((LS, key, i), callback_names())
    cache = ls.get("cache_params")
    if isinstance(cache, dict) and isinstance(cache.get("type"), str):
        add((LS, "cache_params", "type"), names("cache_types"))
    general = data.get(GS) if isinstance(data.get(GS), dict) else {}
    if isinstance(general.get("alerting"), list):
        for i, v in enumerate(general["alerting"]):
            if isinstance(v, str):
                add((GS, "alerting", i), names("alerting_channels"))
    return [(p, valid) for p, valid in out if _get(data, p) in valid]


def _get(data, path):
    for p in path:
        data = data[p]
    return data


def scalar_kind(section: str, key: str) -> str | None:
    spec = setting_schema(section, key) or {}
    schema = spec.get("schema") or {}
    if set(schema) != {"type"}:
        return None
    kinds = {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
    kinds.discard("null")
    return next(iter(kinds)) if len(kinds) == 1 and kinds <= {"integer", "number", "boolean"} else None


# ---- mistakes --------------------------------------------------------------------------------------------


def misspell(word: str, kind: str, rng: random.Random) -> str | None:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if not letters:
        return None
    if kind == "drop":
        i = rng.choice(letters)
        return word[:i] + word[i + 1 :]
    if kind == "double":
        i = rng.choice(letters)
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        pairs = [
            i
            for i in range(len(word) - 1)
            if word[i] != word[i + 1] and word[i].isalpha() and word[i + 1].isalpha()
        ]
        if not pairs:
            return None
        i = rng.choice(pairs)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "replace":
        i = rng.choice(letters)
        c = rng.choice([c for c in string.ascii_lowercase if c != word[i].lower()])
        return word[:i] + c + word[i + 1 :]
    if kind == "case":
        if word.upper() == word:
            return word.lower()
        variants = [word.upper(), word.title(), word[0].upper() + word[1:]]
        return rng.choice([v for v in variants if v != word] or [None])
    if kind == "plural":
        return word[:-1] if word.endswith("s") else word + "s"
    raise ValueError(kind)


def valid_name(name: str, where: str, section: str | None, valid: frozenset[str] | None) -> bool:
    """Would LiteLLM read this name (so a mutation to it is no mistake)?"""
    if where == "section":
        return section_is_read(name)
    if where == "key":
        return key_is_read(section, name)
    if where == "deployment-key":
        return name in DEPLOYMENT_KEYS
    if where in NESTED_POOLS:
        return name in NESTED_POOLS[where]()
    return name in (valid or ())


def _edit(text: bytes, name: str, apply) -> bytes | None:
    try:
        doc = Document.from_bytes(text, name)
        if apply(doc) is False:
            return None
        doc.commit()
        return doc.render()
    except (AutofixError, ValueError, KeyError):
        return None


def mutations_of(name: str, text: bytes, rng: random.Random, per_config: int) -> list[Mutation]:
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        return []
    sites: list[tuple[str, tuple, object]] = []  # (where, path, current)
    for key in data:
        if isinstance(key, str) and section_is_read(key):
            sites.append(("section", (key,), key))
    for section in SECTIONS:
        settings = data.get(section)
        if isinstance(settings, dict):
            sites += [
                ("key", (section, k), k) for k in settings if isinstance(k, str) and key_is_read(section, k)
            ]
            for k, v in settings.items():
                if (
                    isinstance(k, str)
                    and scalar_kind(section, k)
                    and isinstance(v, int | float)
                    and v is not None
                ):
                    sites.append(("type", (section, k), v))
            sites += [
                ("move", (section, k), k) for k in settings if isinstance(k, str) and key_is_read(section, k)
            ]
    models = data.get("model_list")
    if isinstance(models, list):
        for i, dep in enumerate(models[:3]):
            if isinstance(dep, dict):
                sites += [("deployment-key", ("model_list", i, k), k) for k in dep if k in DEPLOYMENT_KEYS]
                for sub, where in (("litellm_params", "params-key"), ("model_info", "info-key")):
                    block = dep.get(sub)
                    if isinstance(block, dict):
                        pool = NESTED_POOLS[where]()
                        sites += [(where, ("model_list", i, sub, k), k) for k in block if k in pool]
    enums = enumerations(data)
    sites += [("value", path, _get(data, path)) for path, _ in enums]
    valid_at = dict(enums)
    out: list[Mutation] = []
    rng.shuffle(sites)
    attempts = 0
    while sites and len(out) < per_config and attempts < per_config * 20:
        attempts += 1
        where, path, current = rng.choice(sites)
        m = _mutate(name, text, data, where, path, current, valid_at.get(path), rng)
        if m is not None and all(m.text != o.text for o in out):
            out.append(m)
    return out


def _mutate(name, text, data, where, path, current, valid, rng) -> Mutation | None:
    if where == "type":
        kind = scalar_kind(*path)
        if isinstance(current, bool) != (kind == "boolean"):
            return None
        new = ("true" if current else "false") if isinstance(current, bool) else str(current)
        mutated = _edit(text, name, lambda doc: doc.set(path, new))
        return mutated and Mutation(name, "type", "type", path, current, new, mutated)
    if where == "move":
        section, key = path
        targets = [
            s for s in SECTIONS if s != section and isinstance(data.get(s), dict) and key not in data[s]
        ]
        targets = [s for s in targets if not key_is_read(s, key)]
        if not targets:
            return None
        target = rng.choice(sorted(targets))
        value = data[section][key]
        if len(data[section]) == 1:
            return None  # the section would be left empty

        def move(doc):
            doc.delete(path)
            doc.set((target, key), value)

        mutated = _edit(text, name, move)
        return mutated and Mutation(name, "section", "key", (target, key), section, target, mutated)
    kind = rng.choice(KINDS)
    new = misspell(str(current), kind, rng)
    section = path[0] if where == "key" else None
    if not new or new == current or valid_name(new, where, section, valid):
        return None
    if where == "value":
        mutated = _edit(text, name, lambda doc: doc.set(path, new))
        return mutated and Mutation(name, kind, where, path, current, new, mutated)
    parent = path[:-1]
    if new in (_get(data, parent) if parent else data):
        return None
    mutated = _edit(text, name, lambda doc: doc.rename(path, new))
    return mutated and Mutation(name, kind, where, (*parent, new), current, new, mutated)


# ---- scoring ---------------------------------------------------------------------------------------------


def base_configs() -> tuple[list[tuple[str, bytes]], list[str]]:
    """The 27 wheel configs, and the fixture after.yaml files the checks find clean (plus those left out)."""
    configs = [(f"corpus/{p.name}", p.read_bytes()) for p in sorted(CORPUS.glob("*.yaml"))]
    left_out = []
    checks = [m for m in all_migrations() if m.id in CHECKS]
    for p in sorted(FIXTURES.rglob("*.after.yaml")):
        name = f"fixtures/{p.parent.name}/{p.name}"
        try:
            result = run(p.read_bytes(), checks, unsafe=False)
        except AutofixError:
            left_out.append(name)
            continue
        if result.findings:
            left_out.append(name)
        else:
            configs.append((name, p.read_bytes()))
    return configs, left_out


def _findings(result) -> set[tuple]:
    return {(f.migration, f.message, f.path) for f in result.findings}


def _on(path: tuple, finding_path) -> bool:
    if finding_path is None:
        return False
    fp = tuple(finding_path)
    return fp[: len(path)] == path or (len(fp) >= 2 and path[: len(fp)] == fp)


def score(mutations: list[Mutation], bases: dict[str, bytes], schema_validator=None) -> dict:
    plan = select(["all"])
    baseline: dict[str, tuple[set, object]] = {}
    for name, text in bases.items():
        safe = run(text, plan, unsafe=False)
        fixed = run(text, plan, unsafe=True)
        baseline[name] = (_findings(safe), fixed)
    detected = repaired = same_bytes = rejected = 0
    missed: list[str] = []
    unrepaired: list[str] = []
    by_kind: Counter = Counter()
    by_kind_detected: Counter = Counter()
    for m in mutations:
        by_kind[m.kind] += 1
        seen, fixed_original = baseline[m.config]
        try:
            safe = run(m.text, plan, unsafe=False)
            fixed = run(m.text, plan, unsafe=True)
        except AutofixError as exc:
            missed.append(f"{m.label()} (error: {exc})")
            continue
        new = [f for f in safe.findings if (f.migration, f.message, f.path) not in seen]
        # a new finding on the mutated setting, or a fix (run without --unsafe-fixes) that changes it
        if any(_on(m.path, f.path) for f in new) or any(_on(m.path, c.path) for c in safe.changes):
            detected += 1
            by_kind_detected[m.kind] += 1
        else:
            missed.append(m.label())
        if yaml.safe_load(fixed.new_bytes) == yaml.safe_load(fixed_original.new_bytes):
            repaired += 1
            same_bytes += fixed.new_bytes == fixed_original.new_bytes
        else:
            unrepaired.append(m.label())
        if schema_validator is not None and not schema_validator.is_valid(yaml.safe_load(m.text)):
            rejected += 1
    n = len(mutations)
    return {
        "mutations": n,
        "detected": detected,
        "repaired": repaired,
        "repaired_same_bytes": same_bytes,
        "schema_rejected": rejected if schema_validator is not None else None,
        "by_kind": {k: [by_kind_detected[k], by_kind[k]] for k in sorted(by_kind)},
        "missed": missed,
        "unrepaired": unrepaired,
    }


def false_findings(bases: dict[str, bytes]) -> list[str]:
    checks = [m for m in all_migrations() if m.id in CHECKS]
    out = []
    for name, text in bases.items():
        for f in run(text, checks, unsafe=False).findings:
            if (name, f.path) not in TRUE_FINDINGS:
                out.append(f"{name}:{f.line}: {f.migration} {f.message}")
    return out


def generate(seed: int, per_config: int) -> tuple[list[Mutation], dict[str, bytes], list[str]]:
    configs, left_out = base_configs()
    rng = random.Random(seed)
    mutations = []
    for name, text in configs:
        mutations += mutations_of(name, text, random.Random(rng.random()), per_config)
    return mutations, dict(configs), left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--per-config", type=int, default=8)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", type=int, default=10, help="missed/unrepaired mutations to list")
    args = parser.parse_args(argv)
    from jsonschema import Draft202012Validator

    from autofix.schema import build

    mutations, bases, left_out = generate(args.seed, args.per_config)
    corpus = {k: v for k, v in bases.items() if k.startswith("corpus/")}
    print(
        f"base configs: {len(bases)} ({len(corpus)} from the litellm wheel, {len(bases) - len(corpus)} fixtures; "
        f"{len(left_out)} fixtures left out: they keep a mistake on purpose)"
    )
    false = false_findings(bases)
    result = score(mutations, bases, Draft202012Validator(build()))
    n = result["mutations"]

    def pct(x):
        return f"{100 * x / n:.1f}%" if n else "-"

    print(f"mutations: {n} (seed {args.seed})")
    print(f"detected by autofix: {result['detected']} ({pct(result['detected'])})")
    print(
        f"repaired to the original data: {result['repaired']} ({pct(result['repaired'])}); "
        f"same bytes: {result['repaired_same_bytes']} ({pct(result['repaired_same_bytes'])})"
    )
    print(f"rejected by `autofix schema`: {result['schema_rejected']} ({pct(result['schema_rejected'])})")
    print(f"false findings on the unmutated configs: {len(false)}")
    for line in false[: args.show]:
        print("  false:", line)
    print("by kind (detected/total): " + ", ".join(f"{k} {d}/{t}" for k, (d, t) in result["by_kind"].items()))
    for line in result["missed"][: args.show]:
        print("  missed:", line)
    for line in result["unrepaired"][: args.show]:
        print("  not repaired:", line)
    if args.json:
        args.json.write_text(json.dumps({**result, "false_findings": false, "left_out": left_out}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
