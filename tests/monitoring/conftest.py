"""Fixtures for the network-door tests: real local servers and a fake far-side resolver.

The HTTP server is pytest-httpserver bound to 127.0.0.1 on a random port; the policy built here
allowlists exactly that address and port. ``raw_server`` is a bare TCP server for behaviour a
well-behaved framework will not produce (dripping bytes, never answering, lying about length).
``fake_dns`` replaces the *system resolver* (socket.getaddrinfo), i.e. the far side, not our code.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer

from monitoring.http import FetchPolicy
from monitoring.netguard import parse_allowlist

KIB = 1024


@pytest.fixture
def server(httpserver_ipv4: HTTPServer) -> HTTPServer:
    """pytest-httpserver on 127.0.0.1:<random port>, cleared for each test."""
    return httpserver_ipv4


@pytest.fixture
def base_url(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def make_policy(port: int, **overrides: object) -> FetchPolicy:
    """Small, fast limits; allowlists exactly 127.0.0.1:<port> (plus ``extra_allow``)."""
    extra = overrides.pop("extra_allow", "")
    options: dict[str, object] = {
        "allowlist": parse_allowlist(f"127.0.0.1:{port},{extra}"),
        "timeout": 2.0,
        "deadline": 4.0,
        "max_bytes": 256 * KIB,
        "max_redirects": 3,
        "user_agent": "SpringplankTest/1.0",
    }
    options.update(overrides)
    return FetchPolicy(**options)  # type: ignore[arg-type]


@pytest.fixture
def policy(server: HTTPServer) -> FetchPolicy:
    return make_policy(server.port)


Handler = Callable[[socket.socket, threading.Event], None]


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 running ``handler(conn, stop)`` for each connection."""

    handler: Handler
    tls: ssl.SSLContext | None = None
    read_request_first: bool = True
    listener: socket.socket = field(init=False)
    stop: threading.Event = field(default_factory=threading.Event)
    connections: int = 0
    threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        accept = threading.Thread(target=self._accept_loop, daemon=True)
        accept.start()
        self.threads.append(accept)

    @property
    def port(self) -> int:
        return self.listener.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            worker.start()
            self.threads.append(worker)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                if self.tls is not None:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                if self.read_request_first:
                    read_request(conn)
                self.handler(conn, self.stop)
            except OSError:
                pass  # the client hung up (or failed TLS), which is what these tests provoke

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        for thread in self.threads:
            thread.join(timeout=2)


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def drip(conn: socket.socket, stop: threading.Event, byte: bytes, interval: float) -> None:
    """Send ``byte`` every ``interval`` seconds until the client leaves, for at most 6 s.

    Bounded so that a broken deadline fails the test instead of hanging the run.
    """
    give_up = time.monotonic() + 6
    while not stop.wait(interval) and time.monotonic() < give_up:
        conn.sendall(byte)


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(
        handler: Handler, tls: ssl.SSLContext | None = None, read_request_first: bool = True
    ) -> RawServer:
        srv = RawServer(handler, tls, read_request_first)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


@dataclass
class FakeDNS:
    """Answers for chosen names; everything else goes to the real resolver."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    delay: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, *answers: list[str]) -> None:
        """Successive lookups of ``name`` get successive answers (the last one repeats)."""
        self.answers[name.lower()] = list(answers)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        name = host.decode() if isinstance(host, bytes) else str(host)
        key = name.lower().rstrip(".")
        if key not in fake.answers and key not in fake.delay:
            return real_getaddrinfo(host, port, family, type, proto, flags)
        fake.calls.append(key)
        if key in fake.delay:
            threading.Event().wait(fake.delay[key])
        queue = fake.answers.get(key, [])
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        result = []
        for address in answer:
            if ":" in address:
                result.append(
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port), 0, 0))
                )
            else:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port))))
        return result

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake
