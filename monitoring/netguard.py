"""Address and allowlist checks for outbound requests (used by ``monitoring/http.py``).

Two questions are answered here, without any I/O:

* :func:`address_block_reason` -- may Springplank connect to this IP address at all? Anything
  that is not plainly public unicast (loopback, private, link-local incl. cloud metadata, CGNAT,
  documentation, multicast, reserved, IPv4 embedded in IPv6 pointing at any of those, ...) gets a
  short reason token; a public address gets ``None``.
* :class:`Allowlist` / :func:`parse_allowlist` -- which non-public ``host:port`` or
  ``CIDR:port`` destinations did an administrator explicitly allow
  (``SPRINGPLANK_FETCH_ALLOWLIST``)?

The tables are explicit rather than ``ipaddress``'s ``is_private``/``is_global`` because those
changed between Python patch releases; a security boundary should not move with the interpreter.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

DEFAULT_PORTS: frozenset[int] = frozenset({80, 443})


def _nets(*rows: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(cidr), reason) for cidr, reason in rows)


# Order matters: the first match gives the reason, so narrow ranges come before wide ones.
_IPV4_BLOCKED = _nets(
    ("255.255.255.255/32", "broadcast"),
    ("0.0.0.0/32", "unspecified"),
    ("0.0.0.0/8", "this-network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "cgnat"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),  # includes 169.254.169.254, the cloud metadata service
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "ietf-protocol"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),  # deprecated 6to4 relay anycast
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)

_IPV6_BLOCKED = _nets(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    # Embedded-IPv4 forms reach an IPv4 host through the IPv6 stack; refusing them outright is
    # simpler and safer than trusting the embedded address (no public feed needs them).
    ("::ffff:0:0/96", "ipv4-mapped"),
    ("::ffff:0:0:0/96", "ipv4-translated"),
    ("::/96", "ipv4-compatible"),
    ("64:ff9b:1::/48", "nat64-local"),
    ("100::/64", "discard-only"),
    ("2001::/32", "teredo"),
    ("2001::/23", "ietf-protocol"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "srv6"),
    ("fc00::/7", "private"),  # unique local addresses, incl. fd00:ec2::254 (AWS metadata)
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


def address_block_reason(address: IPAddress | str) -> str | None:
    """Return why ``address`` must not be connected to, or ``None`` when it is public.

    Reasons are short stable tokens ("loopback", "private", "link-local", "cgnat", "multicast",
    "reserved", "ipv4-mapped", "nat64", "6to4", "teredo", ...). NAT64 (64:ff9b::/96) and 6to4
    (2002::/16) addresses are judged by the IPv4 address they embed, because IPv6-only hosts
    reach the whole public IPv4 internet through NAT64. Raises ``ValueError`` for a string that
    is not an IP address.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, IPv4Address):
        for network, reason in _IPV4_BLOCKED:
            if ip in network:
                return reason
        return None
    for network, reason in _IPV6_BLOCKED:
        if ip in network:
            return reason
    if ip in _NAT64:
        embedded = IPv4Address(int(ip) & 0xFFFFFFFF)
        return "nat64" if address_block_reason(embedded) else None
    if ip in _SIX_TO_FOUR:
        sixtofour = ip.sixtofour
        return "6to4" if sixtofour is None or address_block_reason(sixtofour) else None
    if ip not in _GLOBAL_UNICAST:
        return "reserved"
    return None


def is_public_address(address: IPAddress | str) -> bool:
    """True when :func:`address_block_reason` finds nothing against ``address``."""
    return address_block_reason(address) is None


_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def parse_ipv4_loose(host: str) -> IPv4Address | None:
    """Parse the IPv4 spellings browsers and ``inet_aton`` accept, or return ``None``.

    ``2130706433``, ``0x7f.1``, ``017700000001`` and ``127.1`` all mean 127.0.0.1 (WHATWG URL
    standard, IPv4 parser). Recognising them here means the address check sees the loopback
    address no matter how the system resolver would have treated the string.
    """
    text = host[:-1] if host.endswith(".") else host
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if not _IPV4_PART.fullmatch(part):
            return None
        if part[:2] in ("0x", "0X"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


def parse_ip_literal(host: str) -> IPAddress | None:
    """Return the address a URL host denotes literally (IPv6 in brackets or any IPv4 form)."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return IPv6Address(text)
        except ValueError:
            return None
    return parse_ipv4_loose(text)


def normalize_host(host: str) -> str:
    """Lower-case, without IPv6 brackets or trailing root dot: the form hosts are compared in."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return text[:-1] if text.endswith(".") else text


@dataclass(frozen=True, slots=True)
class AllowlistEntry:
    """One allowed destination: a hostname *or* a network, and the ports it is allowed on."""

    ports: frozenset[int]
    host: str | None = None
    network: IPNetwork | None = None

    def permits(self, host: str, address: IPAddress | None, port: int) -> bool:
        if port not in self.ports:
            return False
        if self.host is not None:
            return normalize_host(host) == self.host
        if self.network is not None and address is not None:
            return address.version == self.network.version and address in self.network
        return False


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Destinations an administrator allowed despite a non-public address (empty by default)."""

    entries: tuple[AllowlistEntry, ...] = field(default=())

    def permits(self, host: str, address: IPAddress | None, port: int) -> bool:
        """True when some entry allows ``host`` (as written in the URL) or ``address`` on ``port``.

        A host entry allows that name whatever it resolves to; a CIDR entry allows addresses
        inside it. Either way only for exactly the listed port(s).
        """
        return any(entry.permits(host, address, port) for entry in self.entries)

    def __iter__(self) -> Iterator[AllowlistEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


_BRACKETED = re.compile(r"\[(?P<inner>[^\]]*)\](?::(?P<port>[^:]*))?")
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)"
    r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?",
    re.IGNORECASE,
)


def _parse_port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"port {text!r} is not a number between 1 and 65535")
    return int(text)


def _parse_network(text: str, version: int) -> IPNetwork:
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid IP address or CIDR network ({exc})") from None
    if network.version != version:
        raise ValueError(
            "IPv6 addresses go in brackets, e.g. [::1]:8000"
            if network.version == 6
            else "only IPv6 addresses go in brackets"
        )
    return network


def _parse_entry(entry: str) -> AllowlistEntry:
    if "://" in entry:
        raise ValueError("write host:port or CIDR:port, not a URL")
    bracketed = _BRACKETED.fullmatch(entry)
    if bracketed:
        network = _parse_network(bracketed["inner"], version=6)
        port = bracketed["port"]
        ports = frozenset({_parse_port(port)}) if port is not None else DEFAULT_PORTS
        return AllowlistEntry(ports=ports, network=network)
    if entry.count(":") > 1 or entry.startswith("["):
        raise ValueError("IPv6 addresses go in brackets, e.g. [::1]:8000 or [fd00::/8]:8000")
    host, colon, port = entry.partition(":")
    ports = frozenset({_parse_port(port)}) if colon else DEFAULT_PORTS
    if not host:
        raise ValueError("the host is missing")
    if "/" in host:
        return AllowlistEntry(ports=ports, network=_parse_network(host, version=4))
    try:
        return AllowlistEntry(ports=ports, network=_parse_network(host, version=4))
    except ValueError:
        pass
    if parse_ipv4_loose(host) is not None or re.fullmatch(r"[0-9.]+", host):
        # "2130706433" or "127.1" as a *hostname* entry would silently allow loopback by name.
        raise ValueError(f"{host!r} is not a dotted-quad IPv4 address (write e.g. 127.0.0.1)")
    if not host.isascii() or not _HOSTNAME.fullmatch(host):
        raise ValueError(f"{host!r} is not a valid hostname (use the xn-- form for IDN)")
    return AllowlistEntry(ports=ports, host=normalize_host(host))


def parse_allowlist(value: str | Iterable[str] | None) -> Allowlist:
    """Parse ``SPRINGPLANK_FETCH_ALLOWLIST``: comma-separated ``host[:port]`` / ``CIDR[:port]``.

    IPv6 goes in brackets (``[::1]:8000``, ``[fd00::/8]:8000``). An entry without a port allows
    ports 80 and 443 only. Blank entries are ignored. Raises ``ValueError`` naming the first
    malformed entry and what is wrong with it.
    """
    if value is None:
        return Allowlist()
    raw = value.split(",") if isinstance(value, str) else list(value)
    entries: list[AllowlistEntry] = []
    for item in raw:
        entry = item.strip()
        if not entry:
            continue
        try:
            entries.append(_parse_entry(entry))
        except ValueError as exc:
            raise ValueError(f"fetch allowlist entry {entry!r}: {exc}") from None
    return Allowlist(entries=tuple(entries))
