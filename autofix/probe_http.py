"""The HTTP client of `autofix probe`: one GET, redirects followed only to the same origin (the
master key never travels elsewhere), no HTTP proxy for a loopback URL, and one short phrase for a
transport failure. Standard library only."""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

MAX_BODY = 32 * 1024 * 1024


@dataclass
class Reply:
    status: int | None  # None: no HTTP answer at all
    body: bytes = b""
    error: str | None = None  # why there is no answer (connection refused, timeout, ...)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: the Authorization header must never
    travel to another origin."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise urllib.error.HTTPError(
                req.full_url,
                code,
                f"redirected to another origin ({strip_userinfo(newurl)}); not followed",
                headers,
                fp,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _opener(url: str) -> urllib.request.OpenerDirector:
    handlers: list[Any] = [_SameOriginRedirects()]
    if _is_loopback(urllib.parse.urlsplit(url).hostname):
        handlers.append(urllib.request.ProxyHandler({}))  # an HTTP proxy never reaches our loopback
    return urllib.request.build_opener(*handlers)


def _reason(exc: BaseException, timeout: float, host: str | None) -> str:
    """One short phrase for a transport failure."""
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"unknown host {host}"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(reason, http.client.HTTPException):
        return f"not an HTTP answer ({type(reason).__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[0].lower() + reason.strerror[1:]
    return str(reason) or type(reason).__name__


def request(base: str, path: str, key: str | None, timeout: float) -> Reply:
    """GET base+path; an HTTP error status is a Reply too, only a transport failure has `error`."""
    url = base + path
    req = urllib.request.Request(url, method="GET", headers={"Accept": "application/json, text/plain, */*"})
    if key:
        req.add_header("Authorization", f"Bearer {key}")  # kept only on same-origin redirects
    try:
        with _opener(base).open(req, timeout=timeout) as resp:
            return Reply(
                resp.status, resp.read(MAX_BODY), None, {k.lower(): v for k, v in resp.headers.items()}
            )
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_BODY) if exc.fp is not None else b""
        except (OSError, http.client.HTTPException):
            body = b""
        if not body and exc.msg and "redirected" in str(exc.msg):
            body = str(exc.msg).encode()
        headers = {k.lower(): v for k, v in exc.headers.items()} if exc.headers else {}
        return Reply(exc.code, body, None, headers)
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        return Reply(None, b"", _reason(exc, timeout, urllib.parse.urlsplit(base).hostname))


def strip_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
