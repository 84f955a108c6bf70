"""URL canonicalisation: one spelling per article, so the same story linked twice is fetched once."""

from __future__ import annotations

import contextlib
import ipaddress
import re
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMETER_PREFIXES = ("utm_", "mc_", "at_", "_hs", "pk_", "piwik_")
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ocid",
        "cmpid",
        "_ga",
        "_gl",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "cmp",
        "sr_share",
        "share",
        "smid",
    }
)
DEFAULT_PORTS = {"http": "80", "https": "443"}
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# scheme:// then user info up to the last "@" before the authority ends (RFC 3986: at "/", "?" or "#").
USER_INFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#]*@")


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical spelling of `url`, resolved against `base` when it is relative.

    Lower-cases scheme and host, drops default ports, fragments and tracking parameters, normalises
    percent-escapes and dot segments, and sorts the query. Applying it twice changes nothing.
    """
    text = url.strip()
    try:
        if base:
            text = urljoin(base.strip(), text)
        parts = urlsplit(text)
    except ValueError:
        stripped = without_credentials(text)  # unparseable, yet user info in it must still go
        return text if stripped == text else canonicalize_url(stripped)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        # Never fetched (the guard refuses it): kept as given but for user info, so the address stored with its
        # refusal is the one the feed pushed (re-assembling made file:///etc/passwd into file://etc/passwd).
        return without_credentials(text)
    path = _remove_dot_segments(_normalise_escapes(quote(parts.path, safe=PATH_SAFE))) or "/"
    return urlunsplit((scheme, _normalise_netloc(parts.netloc, scheme), path, _normalise_query(parts.query), ""))


def is_tracking_parameter(name: str) -> bool:
    """True for query parameters that only say where a click came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PARAMETER_PREFIXES)


def without_credentials(url: str) -> str:
    """`url` without its user info (`user:password@`), which presswatch never sends, stores or logs."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # unparseable (`http://[bad@x`): remove whatever looks like user info
        return USER_INFO.sub(r"\1", url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def redact_credentials(text: str) -> str:
    """`text` (an error message, a log line) with the user info of every URL in it removed."""
    return USER_INFO.sub(r"\1", text) if "@" in text else text


def url_origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL, default port filled in and host normalised; None for anything else.

    Hosts are lower-cased without a trailing dot, IPv6 literals compressed, so one origin has one spelling.
    """
    try:
        return split_origin(urlsplit(url.strip()))
    except ValueError:
        return None


def split_origin(parts: SplitResult) -> tuple[str, str, int] | None:
    """`url_origin` of a URL already split; raises ValueError for a port out of range, as `parts.port` does."""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    port = parts.port or int(DEFAULT_PORTS[scheme])
    if ":" in host or host[-1:].isdigit():
        with contextlib.suppress(ValueError):  # an IP literal: one spelling of the address ("::1", not "0::1")
            host = str(ipaddress.ip_address(host))
    return scheme, host, port


def origin_text(origin: tuple[str, str, int]) -> str:
    """An origin as people write it: `http://127.0.0.1:9910`, `https://[::1]`, default ports left out."""
    scheme, host, port = origin
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if str(port) == DEFAULT_PORTS[scheme] else f"{scheme}://{shown}:{port}"


def url_host(url: str) -> str:
    """The lower-cased host of `url`, or "" when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _normalise_netloc(netloc: str, scheme: str) -> str:
    hostport = netloc.rpartition("@")[2]
    host, port = hostport, ""
    if hostport.startswith("["):
        closing = hostport.find("]")
        if closing != -1:
            host, port = hostport[: closing + 1], hostport[closing + 1 :].removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port == DEFAULT_PORTS[scheme] or (port == "" and hostport.endswith(":")):
        port = ""
    # User info is dropped: credentials in a feed's link must not reach the warehouse, and are never sent.
    return f"{host}:{port}" if port else host


def _normalise_escapes(text: str) -> str:
    # Decode escapes of unreserved characters and upper-case the rest (RFC 3986 section 6.2.2).
    def replace(match: re.Match[str]) -> str:
        character = chr(int(match.group(1), 16))
        return character if character in UNRESERVED else match.group(0).upper()

    return PERCENT_ESCAPE.sub(replace, text)


def _normalise_query(query: str) -> str:
    if not query:
        return ""
    pairs = [
        (name, value) for name, value in parse_qsl(query, keep_blank_values=True) if not is_tracking_parameter(name)
    ]
    return urlencode(sorted(pairs), quote_via=quote)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result
