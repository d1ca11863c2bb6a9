"""monitoring/netguard.py: the address classifier, loose IPv4 parsing and the allowlist parser."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import pytest

from monitoring.netguard import (
    DEFAULT_PORTS,
    address_block_reason,
    is_public_address,
    parse_allowlist,
    parse_ip_literal,
    parse_ipv4_loose,
)


# tests/conftest.py has autouse fixtures built on pytest-django's `settings` fixture; this module
# is plain Python that must also pass with `-p no:django`, so it opts out of them.
@pytest.fixture
def _english() -> None:
    return None


@pytest.fixture
def _fast_password_hashing() -> None:
    return None


# --- the classifier ---------------------------------------------------------------------------

BLOCKED = [
    # IPv4
    ("0.0.0.0", "unspecified"),  # noqa: S104
    ("0.1.2.3", "this-network"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.1", "cgnat"),
    ("100.100.100.200", "cgnat"),  # Alibaba Cloud metadata
    ("100.127.255.254", "cgnat"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "link-local"),  # AWS/GCP/Azure metadata
    ("169.254.0.1", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.8", "ietf-protocol"),
    ("192.0.2.1", "documentation"),
    ("192.88.99.1", "reserved"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    # IPv6
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "ipv4-mapped"),
    ("::ffff:8.8.8.8", "ipv4-mapped"),  # refused outright, whatever it embeds
    ("::ffff:169.254.169.254", "ipv4-mapped"),
    ("::ffff:0:7f00:1", "ipv4-translated"),
    ("::127.0.0.1", "ipv4-compatible"),
    ("::8.8.8.8", "ipv4-compatible"),
    ("64:ff9b::7f00:1", "nat64"),  # NAT64 of 127.0.0.1
    ("64:ff9b::a9fe:a9fe", "nat64"),  # NAT64 of 169.254.169.254
    ("64:ff9b::a00:1", "nat64"),  # NAT64 of 10.0.0.1
    ("64:ff9b:1::1", "nat64-local"),
    ("100::1", "discard-only"),
    ("2001::1", "teredo"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"),
    ("2001:10::1", "ietf-protocol"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2002:7f00:1::1", "6to4"),  # 6to4 of 127.0.0.1
    ("2002:a00:1::", "6to4"),  # 6to4 of 10.0.0.1
    ("2002:a9fe:a9fe::1", "6to4"),  # 6to4 of 169.254.169.254
    ("5f00::1", "srv6"),
    ("fc00::1", "private"),
    ("fd00:ec2::254", "private"),  # AWS IPv6 metadata
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("4000::1", "reserved"),  # outside 2000::/3, not allocated
    ("::2", "ipv4-compatible"),
    ("1::", "reserved"),
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above CGNAT
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82a::200e",
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8 (IPv6-only networks with DNS64)
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize(("address", "reason"), BLOCKED)
def test_non_public_addresses_are_classified(address, reason):
    assert address_block_reason(address) == reason
    assert address_block_reason(ip_address(address)) == reason
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert address_block_reason(address) is None
    assert is_public_address(ip_address(address))


def test_classifier_rejects_non_addresses():
    with pytest.raises(ValueError):
        address_block_reason("example.com")


# --- URL host forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104
        ("0x", "0.0.0.0"),  # noqa: S104
        ("10.0.0.1.", "10.0.0.1"),
        ("0xa9.0376.43518", "169.254.169.254"),
        ("4294967295", "255.255.255.255"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.0.0.1", None),
        ("1.2.3.256", None),
        ("4294967296", None),
        ("08.0.0.1", None),  # 08 is neither octal nor decimal
        ("1..2", None),
        ("", None),
        ("0x7g.1", None),
        ("1.2.3.4 extra", None),
    ],
)
def test_parse_ipv4_loose(host, expected):
    result = parse_ipv4_loose(host)
    assert result == (IPv4Address(expected) if expected else None)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("[::1]", IPv6Address("::1")),
        ("::ffff:127.0.0.1", IPv6Address("::ffff:7f00:1")),
        ("[fe80::1%eth0]", IPv6Address("fe80::1%eth0")),
        ("2130706433", IPv4Address("127.0.0.1")),
        ("[not:an:address::x]", None),
        ("localhost", None),
    ],
)
def test_parse_ip_literal(host, expected):
    assert parse_ip_literal(host) == expected


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "017700000001", "127.1", "[::1]"])
def test_integer_and_octal_forms_are_seen_as_loopback(host):
    literal = parse_ip_literal(host)
    assert literal is not None
    assert address_block_reason(literal) == "loopback"


# --- allowlist parsing ------------------------------------------------------------------------


def test_empty_allowlist():
    for value in ("", "  ", ",", None, " , ,"):
        assert len(parse_allowlist(value)) == 0
    assert not parse_allowlist("").permits("localhost", ip_address("127.0.0.1"), 80)


@pytest.mark.parametrize(
    ("entry", "host", "network", "ports"),
    [
        ("127.0.0.1:8000", None, "127.0.0.1/32", {8000}),
        ("127.0.0.1", None, "127.0.0.1/32", DEFAULT_PORTS),
        ("10.0.0.0/8:8080", None, "10.0.0.0/8", {8080}),
        ("10.0.0.0/8", None, "10.0.0.0/8", DEFAULT_PORTS),
        ("[::1]:8000", None, "::1/128", {8000}),
        ("[::1]", None, "::1/128", DEFAULT_PORTS),
        ("[fd00::/8]:8000", None, "fd00::/8", {8000}),
        ("[fd00::/8]", None, "fd00::/8", DEFAULT_PORTS),
        ("feeds.internal:8443", "feeds.internal", None, {8443}),
        ("Intranet.Example.COM", "intranet.example.com", None, DEFAULT_PORTS),
        ("localhost:65535", "localhost", None, {65535}),
        ("rss-bridge:80", "rss-bridge", None, {80}),
        ("fqdn.example.:81", "fqdn.example", None, {81}),
    ],
)
def test_valid_entries(entry, host, network, ports):
    (parsed,) = parse_allowlist(entry)
    assert parsed.host == host
    assert parsed.network == (ip_network(network) if network else None)
    assert parsed.ports == frozenset(ports)


def test_entries_are_comma_separated_with_whitespace():
    allowlist = parse_allowlist(" 127.0.0.1:8000 , [fd00::/8]:9000,rss-bridge:3000 ")
    assert len(allowlist) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("127.0.0.1:", "port '' is not a number"),
        ("127.0.0.1:0", "between 1 and 65535"),
        ("127.0.0.1:65536", "between 1 and 65535"),
        ("127.0.0.1:http", "port 'http'"),
        ("127.0.0.1:８０", "port"),
        ("::1:8000", "IPv6 addresses go in brackets"),
        ("fd00::/8", "IPv6 addresses go in brackets"),
        ("[127.0.0.1]:80", "only IPv6 addresses go in brackets"),
        ("[::1]:", "port ''"),
        ("[::1", "IPv6 addresses go in brackets"),
        ("[fd00::zz]:80", "not a valid IP address or CIDR"),
        ("10.0.0.1/8", "host bits set"),
        ("10.0.0.0/33", "not a valid IP address or CIDR"),
        ("300.1.1.1", "not a dotted-quad IPv4 address"),
        ("2130706433:80", "not a dotted-quad IPv4 address"),
        ("0x7f.1", "not a dotted-quad IPv4 address"),
        (":8000", "the host is missing"),
        ("*.example.com", "not a valid hostname"),
        ("http://example.com", "not a URL"),
        ("exa mple.com", "not a valid hostname"),
        ("bücher.example", "xn--"),
        ("-bad-.example", "not a valid hostname"),
    ],
)
def test_malformed_entries_raise_a_clear_value_error(entry, message):
    with pytest.raises(ValueError) as info:
        parse_allowlist(f"127.0.0.1:8000,{entry}")
    text = str(info.value)
    assert message in text
    assert repr(entry.strip()) in text  # names the offending entry


# --- allowlist matching -----------------------------------------------------------------------


LOOPBACK = ip_address("127.0.0.1")


@pytest.mark.parametrize(
    ("allowlist", "host", "address", "port", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", LOOPBACK, 8000, True),
        ("127.0.0.1:8000", "127.0.0.1", LOOPBACK, 8001, False),
        ("127.0.0.1:8000", "localhost", LOOPBACK, 8000, True),  # CIDR entries match addresses
        ("127.0.0.1:8000", "127.0.0.1", ip_address("127.0.0.2"), 8000, False),
        ("127.0.0.1", "127.0.0.1", LOOPBACK, 80, True),
        ("127.0.0.1", "127.0.0.1", LOOPBACK, 443, True),
        ("127.0.0.1", "127.0.0.1", LOOPBACK, 8080, False),
        ("10.0.0.0/8:9000", "x", ip_address("10.200.3.4"), 9000, True),
        ("10.0.0.0/8:9000", "x", ip_address("11.0.0.1"), 9000, False),
        ("10.0.0.0/8:9000", "x", ip_address("::ffff:10.0.0.1"), 9000, False),  # no v4/v6 mixing
        ("[fd00::/8]:8000", "x", ip_address("fd12::1"), 8000, True),
        ("[fd00::/8]:8000", "x", ip_address("fc00::1"), 8000, False),
        ("[::1]:8000", "[::1]", ip_address("::1"), 8000, True),
        ("rss-bridge:3000", "rss-bridge", ip_address("172.18.0.5"), 3000, True),
        ("rss-bridge:3000", "RSS-Bridge.", ip_address("192.168.9.9"), 3000, True),
        ("rss-bridge:3000", "rss-bridge", ip_address("172.18.0.5"), 3001, False),
        ("rss-bridge:3000", "other", ip_address("172.18.0.5"), 3000, False),  # same IP, other name
        ("rss-bridge:3000", "rss-bridge.evil.com", ip_address("172.18.0.5"), 3000, False),
    ],
)
def test_allowlist_permits_exactly_the_listed_destination(allowlist, host, address, port, allowed):
    assert parse_allowlist(allowlist).permits(host, address, port) is allowed
