"""A misbehaving peer: a tiny HTTP server (``http.server`` in a thread) that answers from a script —
a status with ``Retry-After``, a dropped connection, a stall after the headers — and records
every request it got. It stands in for a proxy or an overloaded deployment, which the real
server cannot be made to be on demand; it is not a stand-in for the SDK.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None
    """A dict or list is sent as JSON, a str as text/plain, bytes as they are."""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drop:
    """Close the connection without an answer."""


@dataclass(frozen=True)
class Stall:
    """Send a 200's headers, then nothing for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Cut:
    """Send a 200 that promises more than ``body`` (its Content-Length says so), then close: a
    transfer cut short."""

    body: bytes
    content_type: str = "application/x-ndjson"


Behaviour = Answer | Drop | Stall | Cut


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    at: float


class Peer:
    def __init__(self, script: Sequence[Behaviour]) -> None:
        self.script = list(script)
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def _next(self, received: Received) -> Behaviour:
        with self._lock:
            self.requests.append(received)
            # The last behaviour repeats once the script is used up.
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = self._chunked()
                else:
                    body = self.rfile.read(length) if length else b""
                behaviour = peer._next(
                    Received(self.command, self.path, dict(self.headers.items()), body, time.monotonic())
                )
                if isinstance(behaviour, Drop):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(behaviour, Stall):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.flush()
                    peer._stop.wait(behaviour.seconds)
                    self.close_connection = True
                    return
                if isinstance(behaviour, Cut):
                    self.send_response(200)
                    self.send_header("Content-Type", behaviour.content_type)
                    self.send_header("Content-Length", str(len(behaviour.body) + 1000))
                    self.end_headers()
                    self.wfile.write(behaviour.body)
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                payload, content_type = _encode(behaviour.body)
                self.send_response(behaviour.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in behaviour.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def _chunked(self) -> bytes:
                body = b""
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body

            do_GET = do_POST = do_HEAD = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, args=(0.02,), name="peer", daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests."""
        return [b.at - a.at for a, b in zip(self.requests, self.requests[1:])]


def _encode(body: Any) -> tuple[bytes, str]:
    if body is None:
        return b"", "application/json"
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body).encode(), "application/json"


@contextmanager
def peer(*script: Behaviour) -> Iterator[Peer]:
    running = Peer(script)
    running.start()
    try:
        yield running
    finally:
        running.close()


ORG = "00000000-0000-4000-8000-000000000001"

DATASET: dict[str, Any] = {
    "id": "5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11",
    "name": "Jailbreak Prompts (sample)",
    "description": None,
    "category": "jailbreak",
    "trust_level": "verified",
    "source": "znyx_sample",
    "sample_count": 50,
    "is_public": True,
    "created_by": None,
    "created_at": "2026-11-28T12:00:00.000Z",
    "updated_at": "2026-11-28T12:00:00.000Z",
}


def dataset(index: int) -> dict[str, Any]:
    return {**DATASET, "id": f"00000000-0000-4000-8000-{index:012d}", "name": f"Dataset {index}"}


def page(datasets: Sequence[Mapping[str, Any]], *, total: int, offset: int = 0, **extra: Any) -> dict[str, Any]:
    return {"total": total, "limit": 50, "offset": offset, "next_cursor": None, "datasets": list(datasets), **extra}
