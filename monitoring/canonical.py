"""Canonical URLs: one story reached through several sources is one story.

``canonical_url`` is the key of the shared review queue (unique per organisation + canonical
URL), so it must be deterministic, idempotent and conservative: two URLs become equal only
when they certainly point at the same page. Everything is offline: wrappers that need a
network round trip to resolve (t.co, lnkd.in, news.google.com articles) are left alone.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from monitoring.sanitise import safe_url

try:  # UTS #46 / IDNA 2008, as browsers do; installed with requests, a runtime dependency
    import idna
except ImportError:  # pragma: no cover
    idna = None

__all__ = ["TRACKING_PARAMS", "canonical_url", "unwrap_redirect"]

MAX_UNWRAP_DEPTH = 5

# Parameters that only say how someone arrived, never which page they get. Compared
# case-insensitively. ``ref`` is on the list although a few sites use it for content (a git
# ref in a code browser's query string): in news and blog links it is overwhelmingly a referral
# tag, and a duplicate in the queue costs more than a rare false merge of two refs.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "spm",
        "scm",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_conv",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "wt.mc_id",
        "xtor",
        "ncid",
        "sr_share",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "at_medium",
        "at_campaign",
        "cmpid",
        "ito",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})")
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# RFC 3986 characters that may appear unescaped in a path or a query; everything else (spaces,
# non-ASCII, quotes) is percent-encoded so that "café" and "caf%C3%A9" compare equal.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?%:@!$'()*+,;=-._~"


def unwrap_redirect(url: str) -> str:
    """Return the target of a known click-tracking wrapper, or ``url`` unchanged.

    Unwrapped offline (the target is in the URL itself): Google ``/url?url=`` or ``?q=``
    (Google Alerts), Facebook ``l.facebook.com/l.php?u=``, Bing news ``apiclick.aspx?url=``
    and ``bing.com/ck/a?u=a1<base64>``, DuckDuckGo ``/l/?uddg=``, Outlook safe links
    ``?url=``. Nested wrappers are unwrapped up to five deep. The target is only taken when
    ``safe_url`` accepts it (absolute http(s), no credentials). Never raises.
    """
    for _ in range(MAX_UNWRAP_DEPTH):
        target = _unwrap_once(url)
        if target is None:
            return url
        url = target
    return url


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    path = parts.path
    params = _query_dict(parts.query)
    candidates: list[str | None] = []
    if _GOOGLE_HOST.fullmatch(host) and path == "/url":
        candidates = [params.get("url"), params.get("q")]
    elif host in ("l.facebook.com", "lm.facebook.com", "m.facebook.com") and path == "/l.php":
        candidates = [params.get("u")]
    elif host in ("bing.com", "www.bing.com") and path.lower() == "/news/apiclick.aspx":
        candidates = [params.get("url")]
    elif host in ("bing.com", "www.bing.com") and path == "/ck/a":
        candidates = [_bing_ck_target(params.get("u"))]
    elif host in ("duckduckgo.com", "www.duckduckgo.com") and path == "/l/":
        candidates = [params.get("uddg")]
    elif host.endswith(".safelinks.protection.outlook.com"):
        candidates = [params.get("url")]
    for candidate in candidates:
        target = safe_url(candidate) if candidate else None
        if target is not None:
            return target
    return None


def _query_dict(query: str) -> dict[str, str]:
    """First value of each parameter, names lower-cased; undecodable input gives {}."""
    try:
        pairs = parse_qsl(query, keep_blank_values=False, max_num_fields=200)
    except ValueError:
        return {}
    result: dict[str, str] = {}
    for key, value in pairs:
        result.setdefault(key.lower(), value)
    return result


def _bing_ck_target(value: str | None) -> str | None:
    """Bing's ``/ck/a?u=a1<base64url of the target>`` redirect."""
    if not value or not value.startswith("a1"):
        return None
    encoded = value[2:]
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def canonical_url(url: str) -> str:
    """The form of ``url`` under which the same page is stored once.

    Contract (http/https URLs):
    - known redirect wrappers are unwrapped (``unwrap_redirect``);
    - scheme and host are lower-cased, the host IDNA-encoded (UTS #46, as browsers do) and
      stripped of a trailing dot; credentials and default ports are dropped;
    - the fragment is dropped, except ``#!`` (hash-bang routes name the content);
    - tracking parameters (``TRACKING_PARAMS``, ``utm_*`` ...) are removed, the remaining
      ones stably sorted by name (repeated names keep their order), their bytes otherwise kept;
    - the path is kept as written except that an empty path becomes "/", unsafe characters are
      percent-encoded and escapes upper-cased. A trailing slash is never added or removed:
      "/a" and "/a/" may be different pages.
    - "www." is kept: www.example.com and example.com may be different sites, and merging
      them would be a guess.
    Idempotent: ``canonical_url(canonical_url(u)) == canonical_url(u)``. Input that is not an
    http(s) URL is returned stripped of surrounding whitespace. Never raises.
    """
    url = url.strip()
    unwrapped = unwrap_redirect(url)
    try:
        parts = urlsplit(unwrapped)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = _canonical_host(parts.hostname or "")
    if scheme not in ("http", "https") or not host:
        return url
    netloc = host if port is None or str(port) == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _normalise_escapes(parts.path, _PATH_SAFE) or "/"
    query = _canonical_query(parts.query)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, _normalise_escapes(fragment, _QUERY_SAFE)))


def _canonical_host(host: str) -> str:
    """Lower-case ASCII host (IDNA for international names), "[...]" for IPv6, "" if invalid."""
    host = host.rstrip(".").lower()
    if not host:
        return ""
    if host.isascii():
        return f"[{host}]" if ":" in host else host  # urlsplit drops an IPv6 literal's brackets
    if idna is not None:
        try:
            return idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            pass
    try:
        return host.encode("idna").decode("ascii")  # IDNA 2003: better than nothing
    except UnicodeError:
        return ""


def _normalise_escapes(component: str, safe: str) -> str:
    """Percent-encode unsafe characters and upper-case existing escapes (RFC 3986 6.2.2.1)."""
    encoded = quote(component, safe=safe)
    if "%" in encoded:
        encoded = _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), encoded)
    return encoded


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.split("=", 1)[0]
        if _is_tracking(name):
            continue
        kept.append((_decoded_name(name), _normalise_escapes(pair, _QUERY_SAFE)))
    kept.sort(key=lambda item: item[0])  # stable: repeated names keep their relative order
    return "&".join(pair for _, pair in kept)


def _decoded_name(name: str) -> str:
    try:
        return parse_qsl(name + "=", keep_blank_values=True)[0][0]
    except (ValueError, IndexError):
        return name


def _is_tracking(name: str) -> bool:
    lowered = _decoded_name(name).lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)
