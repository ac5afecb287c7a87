"""Synthetic LiteLLM configs for the benchmark: N models with comments, and a fleet of small configs."""

from __future__ import annotations

from pathlib import Path

HEADER = """# ============================================================================
# LiteLLM proxy configuration (generated for autofix's benchmark)
# ============================================================================

"""

PROVIDERS = [
    ("ollama/llama3.1:latest", "http://127.0.0.1:11434"),
    ("ollama_chat/qwen3-coder:480b-cloud", "https://ollama.com"),
    ("openai/gpt-4o-mini", "https://api.openai.com/v1"),
    ("hosted_vllm/Qwen/Qwen2.5-Coder-7B-Instruct", "http://10.0.0.12:8000/v1"),
]


def model_entry(i: int) -> str:
    model, base = PROVIDERS[i % len(PROVIDERS)]
    return f"""  # --- model {i} -----------------------------------------------------------
  - model_name: group-{i // 2}
    litellm_params:
      model: {model}
      api_base: {base}
      api_key: os.environ/KEY_{i % 7}
      rpm: {100 + i % 50}
      tpm: 50000
    model_info:
      tags: [bench, "tier-{i % 3}"]  # routing tags
      provider: p{i % 4}

"""


TAIL = """# ----------------------------------------------------------------------------
litellm_settings:
  request_timeout: 60
  stream_timeout: 0
  num_retries: 3
  timeout: 300
  cache: true
  cache_params:
    type: redis
    host: 127.0.0.1
    port: 6379
    ttl: 3600
  set_verbose: false
  json_logs: true

router_settings:
  routing_strategy: usage-based-routing-v2
  allowed_fails: 3
  num_retries: 2
  timeout: 30
  cooldown_time: 60
  enable_pre_call_checks: true

server_settings:
  port: 4000
  prometheus:
    enabled: true
    port: 9090  # scraped by Prometheus
"""


def config(n_models: int) -> str:
    return HEADER + "model_list:\n" + "".join(model_entry(i) for i in range(n_models)) + TAIL


def write_config(folder: Path, n_models: int) -> Path:
    path = folder / f"models-{n_models}.yaml"
    path.write_text(config(n_models))
    return path


def write_fleet(folder: Path, n_files: int, models_per_file: int = 4) -> Path:
    fleet = folder / f"fleet-{n_files}"
    for i in range(n_files):
        sub = fleet / f"team-{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"env-{i:04d}.yaml").write_text(config(models_per_file))
    return fleet
