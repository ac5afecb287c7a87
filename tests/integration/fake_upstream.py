#!/usr/bin/env python3
"""A fake LLM upstream for the integration tests: OpenAI-compatible and Ollama endpoints.

Standard library only. It binds to 127.0.0.1 and never makes an outbound call.

Inference endpoints (the paths LiteLLM 1.110.2 calls):
  OpenAI-compatible (``openai/``, ``hosted_vllm/``; with or without the ``/v1`` prefix)
    GET  /v1/models            the known model names
    POST /v1/chat/completions  a fixed reply; ``"stream": true`` gives SSE chunks
    POST /v1/completions       a fixed text completion
    POST /v1/embeddings        a constant 8-dim vector per input
  Ollama (``ollama/`` uses /api/generate, ``ollama_chat/`` uses /api/chat)
    POST /api/chat             ``"stream"`` defaults to true, as in Ollama: NDJSON lines
    POST /api/generate         same, with ``response`` instead of ``message``
    POST /api/show             model details with ``model_info.*.context_length``
    GET  /api/tags             the known model names
    POST /api/embed, /api/embeddings, GET /api/version

Behaviour a test can change while the server runs:
  * delay: seconds to wait before answering an inference request and between streamed
    chunks; optionally only for some upstream model names (``delay_models``);
  * a request whose prompt contains ``[[fail]]`` gets HTTP 500;
  * every inference request is logged (time, method, path, model, stream).

Control endpoints (never logged, never delayed):
  GET  /_calls    {"calls": [...], "by_path": {path: n}, "by_model": {model: n}, "total": n}
  POST /_reset    clears the call log
  POST /_config   {"delay": 1.5, "delay_models": ["slow"] or null} -> the current settings

Run alone:  python3 fake_upstream.py --port 0 --port-file /tmp/port [--delay 1.5] [--log calls.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY_TEXT = "Hello from the fake upstream."
FAIL_MARKER = "[[fail]]"
CONTEXT_LENGTH = 131072


def _prompt_text(body: dict) -> str:
    """All prompt text of a chat, completion or embedding body, joined."""
    parts: list[str] = []
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(
                p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
            )
    for key in ("prompt", "input", "system"):
        value = body.get(key)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(v for v in value if isinstance(v, str))
    return " ".join(parts)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class FakeUpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        port: int = 0,
        *,
        delay: float = 0.0,
        delay_models=None,
        log_path: str | None = None,
        models=("fake-model",),
    ):
        super().__init__(("127.0.0.1", port), Handler)
        self.lock = threading.Lock()
        self.calls: list[dict] = []
        self.delay = float(delay)
        self.delay_models = set(delay_models) if delay_models else None
        self.models = list(models)
        self.log_file = open(log_path, "a") if log_path else None  # noqa: SIM115 (closed in server_close)
        self._thread: threading.Thread | None = None

    # ---- in-process use --------------------------------------------------
    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeUpstreamServer:
        self._thread = threading.Thread(target=self.serve_forever, name="fake-upstream", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def server_close(self) -> None:
        super().server_close()
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    # ---- state -------------------------------------------------------------
    def record(self, entry: dict) -> None:
        with self.lock:
            self.calls.append(entry)
            if self.log_file is not None:
                self.log_file.write(json.dumps(entry) + "\n")
                self.log_file.flush()

    def snapshot(self) -> dict:
        with self.lock:
            calls = list(self.calls)
        by_path: dict[str, int] = {}
        by_model: dict[str, int] = {}
        for call in calls:
            by_path[call["path"]] = by_path.get(call["path"], 0) + 1
            if call.get("model"):
                by_model[call["model"]] = by_model.get(call["model"], 0) + 1
        return {"calls": calls, "by_path": by_path, "by_model": by_model, "total": len(calls)}

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    def configure(self, delay=None, delay_models=...) -> dict:
        with self.lock:
            if delay is not None:
                self.delay = float(delay)
            if delay_models is not ...:
                self.delay_models = set(delay_models) if delay_models else None
            return self.settings()

    def settings(self) -> dict:
        return {"delay": self.delay, "delay_models": sorted(self.delay_models) if self.delay_models else None}

    def delay_for(self, model) -> float:
        with self.lock:
            if self.delay_models is not None and model not in self.delay_models:
                return 0.0
            return self.delay


class Handler(BaseHTTPRequestHandler):
    server: FakeUpstreamServer
    server_version = "fake-upstream/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # no access log on stderr
        pass

    # ---- helpers -------------------------------------------------------------
    def _route(self) -> str:
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        return path[3:] if path.startswith("/v1/") else path

    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def _send_json(self, status: int, payload) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _start_stream(self, content_type: str) -> None:
        # No Content-Length: the body ends when the connection closes.
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _log(self, route: str, body) -> dict:
        body = body if isinstance(body, dict) else {}
        entry = {
            "ts": round(time.time(), 3),
            "method": self.command,
            "path": route,
            "model": body.get("model") or body.get("name"),
            "stream": body.get("stream"),
        }
        self.server.record(entry)
        return entry

    # ---- routing -------------------------------------------------------------
    def do_GET(self):
        route = self._route()
        if route == "/_calls":
            self._send_json(200, self.server.snapshot())
            return
        if route == "/_config":
            self._send_json(200, self.server.settings())
            return
        self._log(route, None)
        if route == "/models":
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": m,
                            "object": "model",
                            "created": 0,
                            "owned_by": "fake",
                            "max_model_len": CONTEXT_LENGTH,
                        }
                        for m in self.server.models
                    ],
                },
            )
        elif route == "/api/tags":
            self._send_json(
                200,
                {
                    "models": [
                        {
                            "name": m,
                            "model": m,
                            "modified_at": _now_iso(),
                            "size": 1,
                            "digest": "0" * 12,
                            "details": {
                                "family": "llama",
                                "parameter_size": "8B",
                                "quantization_level": "Q4_K_M",
                            },
                        }
                        for m in self.server.models
                    ]
                },
            )
        elif route == "/api/version":
            self._send_json(200, {"version": "0.0.0-fake"})
        elif route in ("/", "/health"):
            self._send_json(200, {"status": "ok"})
        else:
            self._send_json(404, {"error": {"message": f"unknown path {self.path}", "type": "not_found"}})

    def do_POST(self):
        route = self._route()
        body = self._read_json()
        if route == "/_reset":
            self.server.reset()
            self._send_json(200, {"reset": True})
            return
        if route == "/_config":
            body = body if isinstance(body, dict) else {}
            settings = self.server.configure(body.get("delay"), body.get("delay_models", ...))
            self._send_json(200, settings)
            return
        self._log(route, body)
        if not isinstance(body, dict):
            self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            return
        model = str(body.get("model") or body.get("name") or "fake-model")
        if route == "/api/show":
            self._send_json(200, self._ollama_show(model))
            return
        if route == "/api/embed":
            inputs = body.get("input")
            count = len(inputs) if isinstance(inputs, list) else 1
            self._send_json(200, {"model": model, "embeddings": [[0.125] * 8] * count})
            return
        if route == "/api/embeddings":
            self._send_json(200, {"embedding": [0.125] * 8})
            return

        delay = self.server.delay_for(model)
        if delay:
            time.sleep(delay)
        if FAIL_MARKER in _prompt_text(body):
            self._send_json(
                500,
                {"error": {"message": "injected failure ([[fail]] in the prompt)", "type": "server_error"}},
            )
            return
        if route == "/chat/completions":
            self._openai_chat(model, body, delay)
        elif route == "/completions":
            self._send_json(
                200,
                {
                    "id": "cmpl-" + uuid.uuid4().hex[:12],
                    "object": "text_completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "text": REPLY_TEXT, "finish_reason": "stop", "logprobs": None}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
                },
            )
        elif route == "/embeddings":
            inputs = body.get("input")
            count = len(inputs) if isinstance(inputs, list) else 1
            self._send_json(
                200,
                {
                    "object": "list",
                    "model": model,
                    "data": [
                        {"object": "embedding", "index": i, "embedding": [0.125] * 8} for i in range(count)
                    ],
                    "usage": {"prompt_tokens": count, "total_tokens": count},
                },
            )
        elif route in ("/api/chat", "/api/generate"):
            self._ollama(route, model, body, delay)
        else:
            self._send_json(404, {"error": {"message": f"unknown path {self.path}", "type": "not_found"}})

    # ---- OpenAI --------------------------------------------------------------
    def _openai_chat(self, model: str, body: dict, delay: float) -> None:
        usage = {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}
        if not body.get("stream"):
            self._send_json(
                200,
                {
                    "id": "chatcmpl-" + uuid.uuid4().hex[:12],
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": REPLY_TEXT},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                },
            )
            return
        chunk_id, created = "chatcmpl-" + uuid.uuid4().hex[:12], int(time.time())
        self._start_stream("text/event-stream")

        def event(delta, finish_reason=None, with_usage=False):
            chunk = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
            if with_usage:
                chunk["usage"] = usage
            self._write(b"data: " + json.dumps(chunk).encode() + b"\n\n")

        try:
            event({"role": "assistant", "content": ""})
            for i, word in enumerate(REPLY_TEXT.split(" ")):
                if i and delay:
                    time.sleep(delay)
                event({"content": word if i == 0 else " " + word})
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            event({}, finish_reason="stop", with_usage=include_usage)
            self._write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a stream timeout)

    # ---- Ollama --------------------------------------------------------------
    @staticmethod
    def _ollama_show(model: str) -> dict:
        return {
            "license": "",
            "modelfile": f"FROM {model}\n",
            "parameters": "num_ctx 8192",
            "template": "{{ .Prompt }}",
            "details": {
                "format": "gguf",
                "family": "llama",
                "families": ["llama"],
                "parameter_size": "8B",
                "quantization_level": "Q4_K_M",
            },
            "model_info": {"general.architecture": "llama", "llama.context_length": 8192},
            "capabilities": ["completion"],
        }

    def _ollama(self, route: str, model: str, body: dict, delay: float) -> None:
        chat = route == "/api/chat"
        final = {
            "model": model,
            "created_at": _now_iso(),
            "done": True,
            "done_reason": "stop",
            "total_duration": 1000,
            "load_duration": 10,
            "prompt_eval_count": 5,
            "prompt_eval_duration": 100,
            "eval_count": 5,
            "eval_duration": 100,
        }
        if body.get("stream", True) is False:
            if chat:
                final["message"] = {"role": "assistant", "content": REPLY_TEXT}
            else:
                final["response"] = REPLY_TEXT
            self._send_json(200, final)
            return
        self._start_stream("application/x-ndjson")
        try:
            for i, word in enumerate(REPLY_TEXT.split(" ")):
                if i and delay:
                    time.sleep(delay)
                text = word if i == 0 else " " + word
                line = {"model": model, "created_at": _now_iso(), "done": False}
                if chat:
                    line["message"] = {"role": "assistant", "content": text}
                else:
                    line["response"] = text
                self._write(json.dumps(line).encode() + b"\n")
            if chat:
                final["message"] = {"role": "assistant", "content": ""}
            else:
                final["response"] = ""
            self._write(json.dumps(final).encode() + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = a free one)")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds before each answer and between chunks"
    )
    parser.add_argument(
        "--delay-models", default="", help="comma-separated models the delay applies to (all)"
    )
    parser.add_argument(
        "--models", default="fake-model", help="comma-separated names for /v1/models, /api/tags"
    )
    parser.add_argument("--log", help="append one JSON line per inference request to this file")
    args = parser.parse_args(argv)
    server = FakeUpstreamServer(
        args.port,
        delay=args.delay,
        delay_models=[m for m in args.delay_models.split(",") if m] or None,
        log_path=args.log,
        models=[m for m in args.models.split(",") if m],
    )
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"fake upstream on {server.base_url}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
