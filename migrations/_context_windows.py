"""The context windows G7 derives its fallbacks from: one pass over `model_list` (`scan`) gives each
model group its deployments, their windows (from `model_info.max_input_tokens`, Ollama's `num_ctx` or
LiteLLM's model map, looked up as LiteLLM does: `map_key`) and modes, and where LiteLLM learns a window
at run time when the config gives none. Not a migration itself (the registry skips `_` modules)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from autofix import litellm_data
from autofix.values import as_int

MODES = ("chat", "completion")
OLLAMA = ("ollama", "ollama_chat")
# LiteLLM also finds these providers' models under the bare name (`openai/gpt-4o` → `gpt-4o`); it checks
# the entry's provider, which the snapshot does not carry, so the bare lookup is limited to them.
BARE_NAME_PROVIDERS = frozenset({"openai", "anthropic", "bedrock", "vertex_ai"})
# A deployment without model_info.mode whose model or group name says it is not a chat model. The
# snapshot has no `mode`; these words cover all but 46 of the 389 non-chat entries with a window in
# LiteLLM 1.110.2's map (the rest are evaluation/decision models and a few image and live models).
NOT_CHAT = re.compile(
    r"embed|rerank|whisper|tts|dall-e|image|transcri|moderation|speech|realtime|diffusion|voyage|jina|bge|"
    r"gte-|veo-|flux|canvas|upscale|outpaint|native-audio|lyria|orpheus|sd3|nano-banana|-live\b|-asr-|stt-",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)  # model names repeat, within a file and across a fleet
def _not_chat(text: str) -> bool:
    return NOT_CHAT.search(text) is not None


@lru_cache(maxsize=1)
def _map_keys() -> dict[str, str]:
    """Lower-cased model-map key → key: LiteLLM looks keys up case-insensitively."""
    keys: dict[str, str] = {}
    for key in litellm_data.data()["context_windows"]:
        keys.setdefault(key.lower(), key)
    return keys


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


_NUMERIC = re.compile(r"\s*\+?\d+(?:\.0*)?\s*")


def _as_int(value) -> int | None:
    """A positive integer for a string of digits ("8192", "8192.0") or an integral float; else None."""
    if isinstance(value, str) and not _NUMERIC.fullmatch(value):
        return None
    number = as_int(value) if isinstance(value, float | str) else None
    return number if number and number > 0 else None


def _local(api_base) -> bool:
    """True for Ollama's default (localhost:11434) and for a loopback, private or .local host."""
    if api_base is None:
        return True
    if not isinstance(api_base, str) or api_base.startswith("os.environ/"):
        return False
    return _local_url(api_base)


@lru_cache(maxsize=4096)  # a fleet repeats its api_base URLs
def _local_url(api_base: str) -> bool:
    host = (urlsplit(api_base if "//" in api_base else "//" + api_base).hostname or "").lower()
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _provider(model: str, params: dict) -> tuple[str, str]:
    """(provider, model with its provider prefix), as LiteLLM names them for the map lookup."""
    custom = params.get("custom_llm_provider")
    if isinstance(custom, str) and custom and not model.startswith(custom + "/"):
        return custom, f"{custom}/{model}"
    head, slash, _ = model.partition("/")
    return (head if slash else ""), model


def map_key(model: str, provider: str = "") -> str | None:
    """The model-map key LiteLLM's simple lookups find for `model`, or None.

    Tried in LiteLLM's order: the model as written (`ollama/llama3.1`, `gpt-4o`, `azure/gpt-4o`), then for
    `ollama_chat/<name>` the `ollama/<name>` entry, then the bare name for the providers listed in
    BARE_NAME_PROVIDERS. A tag is never dropped: LiteLLM asks the Ollama server about
    `ollama/llama3.1:latest` instead of using `ollama/llama3.1`.
    """
    if not model:
        return None
    keys = _map_keys()
    rest = model[len(provider) + 1 :] if provider and model.startswith(provider + "/") else model
    candidates = [model]
    if provider == "ollama_chat":
        candidates.append("ollama/" + rest)
    if provider in BARE_NAME_PROVIDERS:
        candidates.append(rest)
    for candidate in candidates:
        key = keys.get(candidate.lower())
        if key is not None:
            return key
    return None


@dataclass
class Deployment:
    index: int
    window: int | None = None
    source: str = ""  # model_info | num_ctx | map ("" when unknown)
    key: str = ""  # the model-map key when source == "map"
    provider: str = ""
    local_ollama: bool = False  # served by an Ollama on this machine or network, which truncates at num_ctx
    hint: str = ""  # why the window is unknown, when there is something to say
    pinnable: bool = True  # model_info is missing, null or a mapping, so max_input_tokens can be written
    runtime: str = ""  # where LiteLLM learns the window at run time, when the config does not say it


@dataclass
class Group:
    name: str
    deployments: list[Deployment] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)
    by_name_only: bool = False  # left out because its model looks like a non-chat model
    wildcard: bool = False

    @property
    def mode(self) -> str | None:
        return next(iter(self.modes)) if len(self.modes) == 1 else None

    @property
    def eligible(self) -> bool:
        return not self.wildcard and self.mode in MODES

    @cached_property
    def window(self) -> int | None:  # read once scan() is done
        windows = [d.window for d in self.deployments]
        return min(windows) if windows and None not in windows else None

    @cached_property
    def runtime(self) -> list[str]:
        """Where LiteLLM learns the window of each deployment the config gives none, when it learns all
        of them at run time ([] otherwise)."""
        unknown = [d for d in self.deployments if d.window is None]
        if not unknown or not all(d.runtime for d in unknown):
            return []
        return list(dict.fromkeys(d.runtime for d in unknown))


@dataclass
class Scan:
    groups: dict[str, Group] = field(default_factory=dict)
    converted: list[tuple[int, object, int]] = field(default_factory=list)  # (index, old, new)
    broken: list[tuple[int, object]] = field(default_factory=list)  # unusable max_input_tokens


OLLAMA_DEFAULT_PORT = 11434
RUNTIME_OLLAMA = "the context_length of Ollama's /api/show at localhost:11434"
RUNTIME_VLLM = "the max_model_len of its vLLM server's /v1/models"


def _ollama_default_base(api_base) -> bool:
    """True when the deployment's Ollama is the one LiteLLM asks for a window: `get_model_info` is called
    without an api_base (`router_rust/surface/model_info.py` `_model_info_row`), so `/api/show` goes to
    OLLAMA_API_BASE or http://localhost:11434 (`llms/ollama/common_utils.py` `get_api_base`)."""
    if api_base is None:
        return True
    if not isinstance(api_base, str) or api_base.startswith("os.environ/"):
        return False
    parts = urlsplit(api_base if "//" in api_base else "//" + api_base)
    try:
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return port == OLLAMA_DEFAULT_PORT and (host == "localhost" or host.startswith("127.") or host == "::1")


def _runtime_source(provider: str, params: dict) -> str:
    """Where LiteLLM 1.110.2 learns a window the config and its map do not give, or "".

    - `ollama/<name>` (not `ollama_chat/`, which get_model_info never maps) at the default base: the
      server's `/api/show` (`llms/ollama/common_utils.py` `get_runtime_model_info`).
    - `hosted_vllm/<name>` with an api_base: the router reads `/v1/models` of the deployment's own server
      (`llms/openai_like/model_info.py`, `router_rust/surface/registry.py` `_arefresh_deployment_model_info`);
      vLLM answers `max_model_len`. Other OpenAI-compatible servers (llama.cpp...) may not say it.
    """
    if provider == "ollama" and _ollama_default_base(params.get("api_base")):
        return RUNTIME_OLLAMA
    api_base = params.get("api_base")
    if provider == "hosted_vllm" and isinstance(api_base, str) and api_base.strip():
        return RUNTIME_VLLM
    return ""


def _window(dep: Deployment, params: dict, info: dict, model: str, scan: Scan) -> None:
    value = info.get("max_input_tokens")
    if value is not None:
        if _positive_int(value):
            dep.window, dep.source = value, "model_info"
        elif (number := _as_int(value)) is not None:
            dep.window, dep.source = number, "model_info"
            scan.converted.append((dep.index, value, number))
        else:
            scan.broken.append((dep.index, value))
            dep.hint = f"its max_input_tokens {value!r} is not a positive integer"
        return
    provider, full = _provider(model, params)
    dep.provider = provider
    dep.local_ollama = provider in OLLAMA and _local(params.get("api_base"))
    if provider in OLLAMA and params.get("num_ctx") is not None:
        num_ctx = params["num_ctx"]
        if _positive_int(num_ctx):
            dep.window, dep.source = num_ctx, "num_ctx"
        else:
            dep.hint = f"its num_ctx {num_ctx!r} is not a positive integer"
        return
    base = info.get("base_model") or params.get("base_model")
    base_key = map_key(base, _provider(base, {})[0]) if isinstance(base, str) else None
    key = map_key(full, provider)
    if provider == "azure" and base_key:  # the router reads an azure deployment's window from base_model
        key = base_key
    key = key or base_key
    if key is not None:
        dep.window, dep.source, dep.key = litellm_data.context_window(key), "map", key
        return
    dep.runtime = _runtime_source(provider, params)
    if dep.runtime:
        return
    if provider == "ollama":
        dep.hint = (
            "LiteLLM asks only the Ollama at OLLAMA_API_BASE or localhost:11434 for a window, not this "
            "deployment's api_base"
        )
    elif provider == "ollama_chat" and ":" in full:
        near = map_key("ollama/" + full.split("/", 1)[1].rsplit(":", 1)[0], "ollama")
        if near is not None:
            dep.hint = (
                f"the map has {near} ({litellm_data.context_window(near)}), but LiteLLM does not drop the tag, "
                "and asks no server about an ollama_chat/ model"
            )


def scan(doc) -> Scan:
    """One pass over model_list: each group's deployments, windows and modes."""
    result = Scan()
    models = doc.get(("model_list",))
    if not isinstance(models, list):
        return result
    for i, raw in enumerate(models):
        if not isinstance(raw, dict):
            continue
        name = raw.get("model_name")
        if not isinstance(name, str) or not name:
            continue
        params = raw.get("litellm_params")
        params = params if isinstance(params, dict) else {}
        info = raw.get("model_info")
        model = params.get("model") if isinstance(params.get("model"), str) else ""
        group = result.groups.get(name)
        if group is None:
            group = result.groups[name] = Group(name)
        if "*" in name or "*" in model:
            group.wildcard = True
        mode = info.get("mode") if isinstance(info, dict) else None
        if mode is None:
            mode = "chat"
            if _not_chat(model) or _not_chat(name):
                mode, group.by_name_only = "other", True
        group.modes.add(mode if isinstance(mode, str) else "other")
        dep = Deployment(i, pinnable=info is None or isinstance(info, dict))
        _window(dep, params, info if isinstance(info, dict) else {}, model, result)
        group.deployments.append(dep)
    return result
