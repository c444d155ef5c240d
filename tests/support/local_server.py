"""A real HTTP(S) server on 127.0.0.1 for the fetch, ingest, external and liveness tests.

Routes map a path to a function that writes the whole answer through the request handler, so
a test can send anything a real server might: redirects, slow drips, wrong types, huge bodies.
The server records every request it gets, so tests can prove a refused fetch never connected.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from verifiers.sources.fetch import FetchPolicy

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up mid-answer (a refused or cut fetch) is expected here


class LocalServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes | str, content_type: str | None = "text/html; charset=utf-8") -> Route:
    data = body.encode() if isinstance(body, str) else body
    return lambda h: send(h, 200, data, content_type)


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: send(h, status, b"", None, {"Location": location})


def drip(chunks: int, pause: float, chunk: bytes = b"x") -> Route:
    """A slow-drip body: each chunk alone comes well inside an idle timeout."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(chunks * len(chunk)))
        h.end_headers()
        for _ in range(chunks):
            h.wfile.write(chunk)
            h.wfile.flush()
            time.sleep(pause)

    return route


def drip_headers(seconds: float, pause: float = 0.05) -> Route:
    """Headers one byte at a time for `seconds`, then a short page: every byte comes well
    inside an idle timeout, so only a deadline over the whole exchange stops the wait."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            h.wfile.write(b"a")
            h.wfile.flush()
            time.sleep(pause)
        h.wfile.write(b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        h.wfile.flush()

    return route


def chunked(total: int, piece: int = 65_536, content_type: str = "text/html") -> Route:
    """A body with no Content-Length, so only streaming can notice it is too big."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        sent = 0
        while sent < total:
            data = b"a" * min(piece, total - sent)
            h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            sent += len(data)
        h.wfile.write(b"0\r\n\r\n")

    return route


def loopback_policy(**kwargs: object) -> FetchPolicy:
    """The one place tests exempt the test server's address from the SSRF rules."""
    return FetchPolicy.allowing("127.0.0.1/32", **kwargs)  # type: ignore[arg-type]


def self_signed(tmp: Path, hostname: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for `hostname`: the server's context and a client context trusting it."""
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={hostname}",
            "-addext", f"subjectAltName=DNS:{hostname}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client
