"""The one door to the network: all outbound HTTP of Springplank goes through :func:`fetch`.

Guarantees of :func:`fetch` / :func:`fetch_json`:

* only ``http``/``https`` URLs without credentials; redirects (301/302/303/307/308) are followed
  by hand up to ``max_redirects``, loops detected, every hop validated again;
* the address *actually connected to* is public: the connection resolves DNS itself, checks every
  resolved address (:mod:`monitoring.netguard`) and connects the socket to that checked address,
  so a DNS-rebinding second answer never gets used. HTTPS still verifies the certificate against
  the hostname (SNI). The admin allowlist lifts the refusal for exactly ``host:port``/``CIDR:port``;
* a connect/read timeout per socket operation *and* a wall-clock deadline for the whole fetch
  (DNS, redirects, headers and body): a watchdog shuts the sockets down when it passes, so a
  server dripping one byte a second cannot hold a worker;
* at most ``max_bytes`` of *decoded* body: gzip/deflate are inflated incrementally with bounded
  output, so a compression bomb costs at most about ``max_bytes`` of memory;
* proxy variables, ``REQUESTS_CA_BUNDLE`` and ``~/.netrc`` from the environment are ignored.

Every failure is a :class:`FetchError` whose ``code`` is one of :data:`ERROR_CODES`; a final
status other than 2xx/304 is an :class:`HTTPStatusError` carrying ``status`` and ``retry_after``.
Error messages name the host, never the path or query (API URLs can carry tokens).
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import re
import socket
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest
from requests.structures import CaseInsensitiveDict
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import LocationParseError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError

from monitoring import deadlines
from monitoring.netguard import (
    Allowlist,
    address_block_reason,
    normalize_host,
    parse_allowlist,
    parse_ip_literal,
)

__all__ = [
    "ERROR_CODES",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "HTTPStatusError",
    "Headers",
    "fetch",
    "fetch_json",
    "parse_allowlist",
    "parse_max_age",
    "parse_retry_after",
]

logger = logging.getLogger(__name__)

ERROR_CODES: frozenset[str] = frozenset(
    {
        "bad_url",  # malformed URL, credentials in it, no host
        "bad_scheme",  # anything but http/https (also as a redirect target)
        "blocked_address",  # resolves to a non-public address that is not allowlisted
        "dns",  # the host name does not resolve
        "connection",  # refused, reset, closed early, protocol violation
        "tls",  # handshake or certificate verification failed
        "timeout",  # connect/read timeout or the wall-clock deadline
        "too_large",  # decoded body (or declared Content-Length) over max_bytes
        "too_many_redirects",
        "redirect_loop",
        "http_status",  # HTTPStatusError: final status not 2xx/304
        "decode",  # corrupt or unsupported Content-Encoding
        "bad_json",  # fetch_json: body is not JSON
    }
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/feed+json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, "
    "*/*;q=0.1"
)
JSON_ACCEPT = "application/json"
DEFAULT_USER_AGENT = "Springplank/1.0 (feed reader)"

_READ_CHUNK = 64 * 1024
# Upper bound for server-supplied delays so a silly value cannot overflow a timedelta downstream.
_MAX_HINT_SECONDS = 365 * 24 * 3600
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_CREDENTIAL_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie")


class FetchError(Exception):
    """A fetch failed; ``code`` is a short stable token from :data:`ERROR_CODES`.

    ``str()`` is a one-line, human-readable message naming the host (never the query string).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class HTTPStatusError(FetchError):
    """The final response was neither 2xx nor 304 (code ``http_status``).

    ``retry_after`` is the Retry-After header in seconds (delta-seconds or HTTP-date form,
    clamped to [0, one year]) or ``None``; ``headers`` are the sanitised response headers.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__("http_status", message)
        self.status = status
        self.retry_after = retry_after
        self.headers = Headers(headers or {})

    def __reduce__(self) -> tuple[Any, ...]:
        # Celery pickles exceptions; the default reduce would call __init__ with (code, message).
        return (type(self), (self.status, self.message), self.__dict__)


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive mapping of response headers."""

    __slots__ = ("_store",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._store: dict[str, tuple[str, str]] = {name.lower(): (name, v) for name, v in pairs}

    def __getitem__(self, name: str) -> str:
        return self._store[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._store

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._store.values())

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful fetch (2xx, or 304 when the validators still hold).

    ``url`` is the final URL after redirects; ``content`` the decoded body (``b""`` on 304);
    ``content_type`` the lower-cased media type without parameters (see ``charset``);
    ``etag``/``last_modified`` the validators to send next time (on a 304 without them, the ones
    that were sent); ``max_age`` the Cache-Control max-age in seconds; ``elapsed`` the wall-clock
    seconds of the whole fetch including redirects.
    """

    url: str
    status: int
    content: bytes
    headers: Headers
    etag: str | None
    last_modified: str | None
    not_modified: bool
    content_type: str | None
    elapsed: float
    max_age: int | None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        for param in self.headers.get("Content-Type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits of one fetch. ``timeout`` bounds each connect/read, ``deadline`` the whole fetch.

    ``ca_bundle`` replaces the certifi bundle (for an internal CA); ``None`` uses certifi.
    Build from Django settings with :meth:`from_settings`; tests construct it directly.
    """

    allowlist: Allowlist = field(default_factory=Allowlist)
    timeout: float = 10.0
    deadline: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    ca_bundle: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.allowlist, Allowlist):
            raise TypeError("FetchPolicy.allowlist must be an Allowlist (see parse_allowlist)")
        if self.timeout <= 0 or self.deadline <= 0:
            raise ValueError("FetchPolicy timeout and deadline must be positive")
        if self.max_bytes < 0 or self.max_redirects < 0:
            raise ValueError("FetchPolicy max_bytes and max_redirects must not be negative")

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        """Read the ``SPRINGPLANK_FETCH_*`` settings (at call time, so overrides apply).

        Raises ``ValueError`` for a malformed allowlist.
        """
        from django.conf import settings

        return cls(
            allowlist=parse_allowlist(getattr(settings, "SPRINGPLANK_FETCH_ALLOWLIST", "") or ""),
            timeout=float(getattr(settings, "SPRINGPLANK_FETCH_TIMEOUT", 10)),
            deadline=float(getattr(settings, "SPRINGPLANK_FETCH_DEADLINE", 30)),
            max_bytes=int(getattr(settings, "SPRINGPLANK_FETCH_MAX_BYTES", 10 * 1024 * 1024)),
            max_redirects=int(getattr(settings, "SPRINGPLANK_FETCH_MAX_REDIRECTS", 5)),
            user_agent=getattr(settings, "SPRINGPLANK_USER_AGENT", "") or DEFAULT_USER_AGENT,
            ca_bundle=getattr(settings, "SPRINGPLANK_FETCH_CA_BUNDLE", None) or None,
        )


# --- header parsing helpers --------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), else ``None``.

    A date in the past gives 0; values are clamped to one year.
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", text):
        return min(int(text), _MAX_HINT_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; HTTP dates are always UTC
        when = when.replace(tzinfo=UTC)
    seconds = math.ceil((when - (now or datetime.now(UTC))).total_seconds())
    return max(0, min(seconds, _MAX_HINT_SECONDS))


def parse_max_age(cache_control: str | None) -> int | None:
    """The ``max-age`` directive of a Cache-Control value in seconds (clamped), else ``None``."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.partition("=")
        if name.strip().lower() == "max-age":
            text = value.strip().strip('"')
            if re.fullmatch(r"[0-9]{1,12}", text):
                return min(int(text), _MAX_HINT_SECONDS)
            return None
    return None


def _sanitize_headers(raw: Mapping[str, str]) -> Headers:
    # Values end up in the database and in templates; control characters have no business there.
    return Headers(
        (name, _CONTROL_CHARS.sub("", value).strip())
        for name, value in raw.items()
        if not _CONTROL_CHARS.search(name)
    )


def _media_type(content_type: str | None) -> str | None:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or None


# --- the guarded connection: resolve, check, connect to the checked address -------------------


class _Guard:
    """State shared by all connections of one fetch: allowlist, timeouts and the deadline.

    ``expire()`` is the watchdog: it shuts down every connection of the fetch so that whatever
    is blocked (TLS handshake, status line, headers, body) returns at once. It keeps its own
    ``dup()`` of each socket: shutdown() acts on the connection, not the descriptor, and the
    original socket object is detached by the TLS wrapper or by http.client (``Connection:
    close``) while still in use. The duplicates are closed by ``close()`` at the end of the fetch.
    """

    def __init__(self, policy: FetchPolicy, deadline_at: float) -> None:
        self.allowlist = policy.allowlist
        self.timeout = policy.timeout
        self.deadline_at = deadline_at
        self.expired = False
        self._closed = False
        # The lock also orders shutdown() against close(), so a descriptor number is never
        # shut down after it was closed (and possibly reused by another thread).
        self._lock = threading.Lock()
        self._twins: list[socket.socket] = []

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            if self._closed:
                return
            twin = sock.dup()
            self._twins.append(twin)
            if self.expired:
                self._shutdown(twin)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for twin in self._twins:
                self._shutdown(twin)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for twin in self._twins:
                twin.close()
            self._twins.clear()

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the peer or our side already closed the connection: nothing to interrupt


_AddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]


def _resolve(host: str, port: int, timeout: float) -> list[_AddrInfo]:
    """getaddrinfo with a timeout (the stdlib call has none), literal IPs without any lookup."""
    literal = parse_ip_literal(host)
    if literal is not None:
        # Also catches 2130706433 / 0x7f.1 / 017700000001, whatever the local resolver does.
        return socket.getaddrinfo(
            str(literal), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
        )
    box: dict[str, Any] = {}

    def lookup() -> None:
        try:
            box["result"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    thread = threading.Thread(target=lookup, name="springplank-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise FetchError("timeout", f"DNS lookup for {host} timed out after {timeout:.1f} s")
    if "error" in box:
        reason = getattr(box["error"], "strerror", None) or type(box["error"]).__name__
        raise FetchError("dns", f"could not resolve {host}: {reason}")
    infos = [i for i in box["result"] if i[0] in (socket.AF_INET, socket.AF_INET6)]
    if not infos:
        raise FetchError("dns", f"could not resolve {host}: no IP address")
    return infos


def _open_checked_socket(conn: HTTPConnection, guard: _Guard) -> socket.socket:
    host, port = normalize_host(conn.host), int(conn.port or 80)
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    remaining = guard.remaining()
    if guard.expired or remaining <= 0:
        raise FetchError("timeout", f"deadline passed before connecting to {host}")
    timeout = min(guard.timeout, remaining)
    infos = _resolve(conn._dns_host.strip("[]"), port, timeout)  # keep the FQDN dot for DNS
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ip_address(sockaddr[0])
        reason = address_block_reason(address)
        if reason is not None and not guard.allowlist.permits(host, address, port):
            raise FetchError(
                "blocked_address",
                f"refusing to connect to {where}: {address} is a {reason} address",
            )
    last_error: OSError | None = None
    for family, type_, proto, _canon, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(max(0.001, min(guard.timeout, guard.remaining())))
            sock.connect(sockaddr)  # the checked address itself: no second lookup
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        guard.register(sock)
        sys.audit("http.client.connect", conn, conn.host, conn.port)
        return sock
    if isinstance(last_error, TimeoutError):
        raise FetchError("timeout", f"connecting to {where} timed out")
    reason = getattr(last_error, "strerror", None) or type(last_error).__name__
    raise FetchError("connection", f"could not connect to {where}: {reason}")


class _GuardedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, springplank_guard: _Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.springplank_guard = springplank_guard

    def _new_conn(self) -> socket.socket:
        return _open_checked_socket(self, self.springplank_guard)


class _GuardedHTTPSConnection(HTTPSConnection):
    # HTTPSConnection.connect() wraps whatever _new_conn() returns and verifies the certificate
    # against self.host, so TLS/SNI use the hostname while the socket goes to the checked IP.
    def __init__(self, *args: Any, springplank_guard: _Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.springplank_guard = springplank_guard

    def _new_conn(self) -> socket.socket:
        return _open_checked_socket(self, self.springplank_guard)


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedPoolManager(PoolManager):
    def __init__(self, *args: Any, springplank_guard: _Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._springplank_guard = springplank_guard
        self.pool_classes_by_scheme = {  # type: ignore[assignment]
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }

    def _new_pool(
        self,
        scheme: str,
        host: str,
        port: int,
        request_context: dict[str, Any] | None = None,
    ) -> HTTPConnectionPool:
        # Passed after the pool key is computed (the key class has no field for it); the pool
        # hands it to every connection it creates, which refuse to exist without one.
        context = dict(self.connection_pool_kw if request_context is None else request_context)
        context["springplank_guard"] = self._springplank_guard
        return super()._new_pool(scheme, host, port, request_context=context)


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: _Guard) -> None:
        self._springplank_guard = guard  # before super().__init__, which builds the pool manager
        super().__init__(pool_connections=4, pool_maxsize=4, max_retries=0)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _GuardedPoolManager(
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            springplank_guard=self._springplank_guard,
            **pool_kwargs,
        )

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # A proxy would connect to an address we never checked. trust_env=False keeps the
        # environment's proxies out; this makes sure nothing else slips one in.
        raise FetchError("bad_url", "proxies are not supported for outbound fetches")


def _new_session(guard: _Guard) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no HTTP(S)_PROXY/ALL_PROXY/NO_PROXY, REQUESTS_CA_BUNDLE, .netrc
    session.proxies = {}
    session.headers.clear()  # every header is set explicitly per request
    adapter = _GuardedAdapter(guard)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- body decoding with a cap on decoded bytes ----------------------------------------------------


class _BodyDecoder:
    """Incremental gzip/deflate decoder that never produces more than one piece at a time.

    ``feed()`` yields pieces of at most ``_READ_CHUNK`` bytes, keeping the rest of the input in
    zlib's ``unconsumed_tail``; the caller stops iterating at the cap, so a bomb is never fully
    inflated.
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1:
            raise FetchError("decode", f"unsupported Content-Encoding {content_encoding!r}")
        self._mode = codings[0] if codings else None
        if self._mode == "x-gzip":
            self._mode = "gzip"
        if self._mode not in (None, "gzip", "deflate"):
            raise FetchError("decode", f"unsupported Content-Encoding {self._mode!r}")
        self._obj = self._new_obj(raw_deflate=False)
        self._members_done = 0
        self._finished = False
        # "deflate" is zlib-wrapped by the spec but raw in some servers: probe the first bytes.
        self._deflate_probe: bytes | None = b"" if self._mode == "deflate" else None

    def _new_obj(self, *, raw_deflate: bool) -> Any:
        if self._mode == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._mode is None:
            yield data
            return
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            raise FetchError("decode", f"corrupt {self._mode} body: {exc}") from None

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        if self._deflate_probe is not None:
            self._deflate_probe += data
            if len(self._deflate_probe) < 2:
                return
            data, self._deflate_probe = self._deflate_probe, None
            cmf, flg = data[0], data[1]
            if cmf & 0x0F != 8 or ((cmf << 8) | flg) % 31:  # not a zlib header: raw deflate
                self._obj = self._new_obj(raw_deflate=True)
        while data and not self._finished:
            try:
                piece = self._obj.decompress(data, _READ_CHUNK)
            except zlib.error:
                if self._members_done:
                    # Trailing garbage after a complete gzip member: ignored, like browsers do.
                    self._finished = True
                    return
                raise
            if piece:
                yield piece
            if self._obj.eof:
                data = self._obj.unused_data
                if self._mode == "gzip" and data:
                    self._members_done += 1  # concatenated gzip members form one body
                    self._obj = self._new_obj(raw_deflate=False)
                    continue
                self._finished = True
                return
            data = self._obj.unconsumed_tail


def _read_body(response: requests.Response, guard: _Guard, policy: FetchPolicy, host: str) -> bytes:
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(
            "too_large",
            f"{host} declares {int(declared)} bytes, more than the {policy.max_bytes} allowed",
        )
    decoder = _BodyDecoder(response.headers.get("Content-Encoding"))
    too_large = FetchError("too_large", f"body from {host} exceeds {policy.max_bytes} bytes")
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if guard.expired or guard.remaining() <= 0:
                raise _deadline_error(policy, host)
            # read1: at most one recv, so the deadline is checked between drips of a slow server.
            data = response.raw.read1(_READ_CHUNK, decode_content=False)
            if not data:
                break
            for piece in decoder.feed(data):
                total += len(piece)
                if total > policy.max_bytes:
                    raise too_large
                chunks.append(piece)
    except FetchError:
        raise
    except (ReadTimeoutError, TimeoutError) as exc:
        if guard.expired:
            raise _deadline_error(policy, host) from exc
        raise FetchError("timeout", f"reading from {host} timed out") from exc
    except Urllib3SSLError as exc:
        raise _transport_error(exc, guard, policy, host, "tls") from exc
    except (ProtocolError, http.client.HTTPException, OSError) as exc:
        raise _transport_error(exc, guard, policy, host, "connection") from exc
    if guard.expired:  # the watchdog's shutdown looks like a clean EOF to the reader
        raise _deadline_error(policy, host)
    return b"".join(chunks)


# --- error mapping ----------------------------------------------------------------------------


def _deadline_error(policy: FetchPolicy, host: str) -> FetchError:
    return FetchError("timeout", f"fetching from {host} took longer than {policy.deadline:g} s")


def _root_reason(exc: BaseException) -> str:
    # requests/urllib3 messages embed the full URL (tokens in the query); report the root cause.
    current, seen = exc, set()
    while id(current) not in seen:
        seen.add(id(current))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
        elif current.args and isinstance(current.args[-1], BaseException):
            current = current.args[-1]
        elif current.__cause__ is not None:
            current = current.__cause__
        else:
            break
    text = getattr(current, "verify_message", None) or getattr(current, "strerror", None)
    if not text and isinstance(current, http.client.HTTPException):
        text = str(current)
    return _CONTROL_CHARS.sub(" ", str(text or type(current).__name__))[:200]


def _transport_error(
    exc: BaseException, guard: _Guard, policy: FetchPolicy, host: str, code: str
) -> FetchError:
    if guard.expired:
        return _deadline_error(policy, host)
    verb = "TLS with" if code == "tls" else "connection to"
    return FetchError(code, f"{verb} {host} failed: {_root_reason(exc)}")


def _map_request_error(
    exc: requests.RequestException, guard: _Guard, policy: FetchPolicy, host: str
) -> FetchError:
    if guard.expired:
        return _deadline_error(policy, host)
    if isinstance(exc, requests.Timeout):
        return FetchError("timeout", f"{host} did not answer within {policy.timeout:g} s")
    if isinstance(exc, requests.exceptions.SSLError):
        return _transport_error(exc, guard, policy, host, "tls")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return FetchError("bad_url", f"invalid URL for {host}")
    return _transport_error(exc, guard, policy, host, "connection")


# --- URL handling -----------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    """Validate and normalise (IDNA, quoting) a URL the way requests will send it."""
    if not isinstance(url, str) or _CONTROL_CHARS.search(url.strip()):
        raise FetchError("bad_url", "the URL is not a string or contains control characters")
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if not scheme:
        raise FetchError("bad_url", "the URL has no scheme (http:// or https://)")
    if scheme not in ("http", "https"):
        raise FetchError("bad_scheme", f"only http and https URLs can be fetched, not {scheme}:")
    prepared = PreparedRequest()
    try:
        prepared.prepare_url(url, None)
    except (requests.RequestException, LocationParseError, UnicodeError, ValueError):
        raise FetchError("bad_url", "the URL is malformed") from None
    normalised = prepared.url or ""
    parts = urlsplit(normalised)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError("bad_url", "URLs with credentials (user:password@) are not allowed")
    if not parts.hostname:
        raise FetchError("bad_url", "the URL has no host")
    try:
        port = parts.port
    except ValueError:
        raise FetchError("bad_url", f"the URL for {parts.hostname} has an invalid port") from None
    if port == 0:
        raise FetchError("bad_url", f"the URL for {parts.hostname} has an invalid port")
    return normalised


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _loop_key(url: str) -> str:
    return urlsplit(url)._replace(fragment="").geturl()


def _with_params(url: str, params: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> str:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    query = urlencode([(k, v) for k, v in pairs if v is not None], doseq=True)
    parts = urlsplit(url)
    if query:
        parts = parts._replace(query=f"{parts.query}&{query}" if parts.query else query)
    return urlunsplit(parts)


def _location(response: requests.Response) -> str | None:
    location = response.headers.get("Location")
    if location is None:
        return None
    try:
        # http.client decodes headers as latin-1; servers send UTF-8 (same repair as requests).
        location = location.encode("latin1").decode("utf8")
    except UnicodeError:
        pass
    return location.strip() or None


def _outgoing_value(name: str, value: str) -> str:
    if _CONTROL_CHARS.search(value.replace("\t", " ")):
        raise ValueError(f"header {name!r} contains control characters")
    return value


# --- the public door --------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: Mapping[str, str] | None = None,
    policy: FetchPolicy | None = None,
) -> FetchResult:
    """GET ``url`` within ``policy`` (default: :meth:`FetchPolicy.from_settings`).

    Sends If-None-Match / If-Modified-Since when ``etag`` / ``last_modified`` are given; a 304
    returns ``not_modified=True`` and an empty body. ``headers`` are added to (and may override)
    the default User-Agent and Accept; Accept-Encoding is always ``gzip, deflate``. Authorization
    and Cookie headers are dropped when a redirect leaves the origin.

    Returns a :class:`FetchResult` for 2xx/304. Raises :class:`HTTPStatusError` for any other
    final status, :class:`FetchError` for everything else (see :data:`ERROR_CODES`), and
    ``ValueError`` when a given header value contains control characters. Safe to call from
    several threads; nothing is shared between calls.
    """
    policy = policy if policy is not None else FetchPolicy.from_settings()
    started = time.monotonic()
    request_headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(
        {"User-Agent": policy.user_agent, "Accept": FEED_ACCEPT}
    )
    for name, value in (headers or {}).items():
        request_headers[name] = _outgoing_value(name, value)
    request_headers["Accept-Encoding"] = "gzip, deflate"
    if etag:
        request_headers["If-None-Match"] = _outgoing_value("If-None-Match", etag)
    if last_modified:
        request_headers["If-Modified-Since"] = _outgoing_value("If-Modified-Since", last_modified)

    guard = _Guard(policy, started + policy.deadline)
    watchdog = deadlines.schedule(guard.deadline_at, guard.expire)
    session = _new_session(guard)
    try:
        current = _checked_url(url)
        visited = {_loop_key(current)}
        redirects = 0
        while True:
            response, host = _send(session, guard, policy, current, request_headers)
            try:
                location = _location(response)
                if response.status_code in REDIRECT_STATUSES and location:
                    following = _checked_url(urljoin(current, location))
                    redirects += 1
                    if _loop_key(following) in visited:
                        raise FetchError("redirect_loop", f"redirect loop at {host}")
                    if redirects > policy.max_redirects:
                        raise FetchError(
                            "too_many_redirects",
                            f"more than {policy.max_redirects} redirects, last from {host}",
                        )
                    visited.add(_loop_key(following))
                    if _origin(following) != _origin(current):
                        for name in _CREDENTIAL_HEADERS:
                            request_headers.pop(name, None)
                    logger.debug("redirect %s from %s", response.status_code, host)
                    current = following
                    continue
                return _finish(response, guard, policy, host, started, etag, last_modified)
            finally:
                response.close()
    finally:
        watchdog.cancel()
        session.close()
        guard.close()


def _send(
    session: requests.Session,
    guard: _Guard,
    policy: FetchPolicy,
    url: str,
    headers: CaseInsensitiveDict[str],
) -> tuple[requests.Response, str]:
    host = urlsplit(url).hostname or "?"
    remaining = guard.remaining()
    if guard.expired or remaining <= 0:
        raise _deadline_error(policy, host)
    per_call = min(policy.timeout, remaining)
    try:
        response = session.get(
            url,
            headers=headers,
            timeout=(per_call, per_call),
            allow_redirects=False,
            stream=True,
            verify=policy.ca_bundle or True,
        )
    except FetchError:
        raise
    except requests.RequestException as exc:
        raise _map_request_error(exc, guard, policy, host) from exc
    return response, host


def _finish(
    response: requests.Response,
    guard: _Guard,
    policy: FetchPolicy,
    host: str,
    started: float,
    sent_etag: str | None,
    sent_last_modified: str | None,
) -> FetchResult:
    status = response.status_code
    headers = _sanitize_headers(response.headers)
    if status != 304 and not 200 <= status < 300:
        retry_after = parse_retry_after(headers.get("Retry-After"))
        reason = _CONTROL_CHARS.sub("", response.reason or "")[:80]
        wait = f" (retry after {retry_after} s)" if retry_after is not None else ""
        raise HTTPStatusError(
            status,
            f"HTTP {status} {reason} from {host}{wait}".replace("  ", " "),
            retry_after=retry_after,
            headers=headers,
        )
    not_modified = status == 304
    content = b"" if not_modified else _read_body(response, guard, policy, host)
    elapsed = time.monotonic() - started
    logger.debug("fetched %s: HTTP %s, %d bytes, %.2f s", host, status, len(content), elapsed)
    return FetchResult(
        url=response.url,
        status=status,
        content=content,
        headers=headers,
        etag=headers.get("ETag") or (sent_etag if not_modified else None),
        last_modified=headers.get("Last-Modified")
        or (sent_last_modified if not_modified else None),
        not_modified=not_modified,
        content_type=_media_type(headers.get("Content-Type")),
        elapsed=elapsed,
        max_age=parse_max_age(headers.get("Cache-Control")),
    )


def fetch_json(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
    policy: FetchPolicy | None = None,
) -> tuple[Any, FetchResult]:
    """GET a JSON API through :func:`fetch` (same checks and limits); returns (data, result).

    ``params`` are URL-encoded and appended to any query already in ``url`` (``None`` values
    skipped, sequences repeated). Sends ``Accept: application/json`` unless ``headers`` say
    otherwise. Raises :class:`FetchError` ``bad_json`` when the body is not JSON, and whatever
    :func:`fetch` raises. A 304 (only possible with caller-supplied validators) gives ``None``.
    """
    target = _with_params(url, params) if params else url
    merged: dict[str, str] = {"Accept": JSON_ACCEPT, **(headers or {})}
    result = fetch(target, headers=merged, policy=policy)
    if result.not_modified:
        return None, result
    try:
        return json.loads(result.content), result
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        host = urlsplit(result.url).hostname or "?"
        raise FetchError("bad_json", f"response from {host} is not valid JSON: {exc}") from None
