"""The guarded HTTP client against real loopback servers: safe URLs, limits, redirects, decoding."""

from __future__ import annotations

import random
from ipaddress import IPv4Address, IPv4Network, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st
from loopback import LoopbackServer, Reply

from flows.adapters.http import UrlGuard, decode_html, fetch_url
from flows.config import FetchSettings

NOTHING_NAMED = UrlGuard([])
FAST = FetchSettings(per_host_delay_s=0.0, connect_timeout_s=2, read_timeout_s=2, deadline_s=5)


def named(*servers: LoopbackServer) -> UrlGuard:
    """The guard a feeds file listing a feed on each server builds: those origins may be loopback."""
    return UrlGuard([server.url("/feed.xml") for server in servers])


def injected_resolver(table: dict[str, list[str]]) -> object:
    """A resolver answering from `table` that records every name it was asked about."""

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in table:
            raise OSError(f"no such host {host}")
        return table[host]

    asked: list[str] = []
    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


class TestUrlGuard:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "ftp://example.com/feed",
            "gopher://example.com/",
            "javascript:alert(1)",
            "data:text/html,hi",
            "http:///nohost",
        ],
    )
    def test_refuses_other_schemes(self, url: str) -> None:
        """Only http and https URLs are fetched."""
        assert NOTHING_NAMED.check(url) is not None

    @pytest.mark.parametrize(
        ("name", "address"),
        [
            ("intranet.example", "10.1.2.3"),
            ("router.example", "192.168.1.1"),
            ("metadata.example", "169.254.169.254"),
            ("docker.example", "172.17.0.1"),
            ("v6local.example", "fd00::1"),
            ("v6loop.example", "::1"),
            ("zero.example", "0.0.0.0"),
            ("mapped.example", "::ffff:10.0.0.1"),
        ],
    )
    def test_refuses_names_resolving_to_private_addresses(self, name: str, address: str) -> None:
        """Names that resolve to private, link-local, metadata or loopback addresses are refused."""
        guard = UrlGuard(["http://127.0.0.1/feed"], resolver=injected_resolver({name: [address]}))  # type: ignore[arg-type]

        reason = guard.check(f"https://{name}/story")

        assert reason is not None and name in reason

    def test_refuses_when_any_resolved_address_is_private(self) -> None:
        """One private address among public ones is enough to refuse (a rebinding trick)."""
        guard = UrlGuard([], resolver=injected_resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]}))  # type: ignore[arg-type]

        assert guard.check("https://mixed.example/") is not None

    def test_allows_public_names_and_named_private_hosts(self) -> None:
        """A public address passes, and so does a private host the operator's feeds file names."""
        resolver = injected_resolver({"news.example": ["93.184.216.34"], "newsroom.lan": ["192.168.5.5"]})
        guard = UrlGuard(["http://newsroom.lan/feed"], resolver=resolver)  # type: ignore[arg-type]

        assert [guard.check("https://news.example/a"), guard.check("http://newsroom.lan/feed")] == [
            None,
            None,
        ]

    def test_unnamed_loopback_address_is_refused(self) -> None:
        """127.0.0.2 is loopback and not named by the operator, so it is refused."""
        assert UrlGuard(["http://127.0.0.1:8080/feed"]).check("http://127.0.0.2:8080/") is not None


# IPv6 transition forms, each wrapping the cloud metadata address 169.254.169.254 (a9fe:a9fe).
WRAPPED_METADATA = [
    pytest.param("64:ff9b::a9fe:a9fe", "169.254.169.254", id="nat64"),
    pytest.param("64:ff9b:1::a9fe:a9fe", "local-use NAT64", id="nat64-local-use"),
    pytest.param("64:ff9b:1:a9fe:a9:fe00::", "local-use NAT64", id="nat64-local-use-48"),
    pytest.param("2002:a9fe:a9fe::1", "169.254.169.254", id="6to4"),
    pytest.param("::a9fe:a9fe", "169.254.169.254", id="ipv4-compatible"),
    pytest.param("::ffff:a9fe:a9fe", "169.254.169.254", id="ipv4-mapped"),
    pytest.param("::ffff:0:a9fe:a9fe", "169.254.169.254", id="ipv4-translated"),
    # Teredo keeps the client address complemented: ~5601:5601 is a9fe:a9fe.
    pytest.param("2001:0:4136:e378:8000:63bf:5601:5601", "169.254.169.254", id="teredo"),
]


class TestTransitionForms:
    @pytest.mark.parametrize(("address", "named_in_reason"), WRAPPED_METADATA)
    def test_ipv6_literal_wrapping_the_metadata_address_is_refused(self, address: str, named_in_reason: str) -> None:
        """An IPv6 URL host that carries 169.254.169.254 is refused, and the reason says what it carries."""
        reason = NOTHING_NAMED.check(f"http://[{address}]/latest/meta-data/")

        assert reason is not None and named_in_reason in reason

    @pytest.mark.parametrize(("address", "named_in_reason"), WRAPPED_METADATA)
    def test_dns_answer_wrapping_the_metadata_address_is_refused(self, address: str, named_in_reason: str) -> None:
        """A name whose AAAA answer is a wrapped private address (DNS64 style) is refused before any connection."""
        resolver = injected_resolver({"news.example": ["93.184.216.34", address]})
        guard = UrlGuard([], resolver=resolver)  # type: ignore[arg-type]

        reason = guard.check("https://news.example/story")

        assert reason is not None and "news.example" in reason and named_in_reason in reason

    @pytest.mark.parametrize(
        ("address", "allowed"),
        [
            ("64:ff9b::808:808", True),
            ("::ffff:8.8.8.8", True),
            ("::ffff:0:808:808", True),
            ("2002:808:808::1", True),
            ("::808:808", False),
            ("64:ff9b:1::808:808", False),
            ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", False),
            ("fec0::1", False),
        ],
    )
    def test_forms_hosts_use_for_public_sites_pass(self, address: str, allowed: bool) -> None:
        """Mapped, translated, NAT64 and 6to4 forms of a public address pass; deprecated and tunnel forms do not."""
        resolver = injected_resolver({"news.example": [address]})
        guard = UrlGuard([], resolver=resolver)  # type: ignore[arg-type]

        assert (guard.check("https://news.example/") is None) is allowed

    @pytest.mark.parametrize(
        "wrap",
        ["64:ff9b::{}", "::ffff:{}", "::ffff:0:{}", "::{}", "2002:{}::1"],
        ids=["nat64", "ipv4-mapped", "ipv4-translated", "ipv4-compatible", "6to4"],
    )
    def test_redirect_to_a_wrapped_loopback_address_is_refused_before_connecting(self, wrap: str) -> None:
        """A named feed redirecting to an IPv6 form of unnamed 127.0.0.2 is refused; 127.0.0.2 sees nothing."""
        with LoopbackServer({"/": Reply(body=b"admin")}, host="127.0.0.2") as hidden:
            groups = IPv4Address("127.0.0.2").packed.hex()
            inner = "127.0.0.2" if wrap.startswith("::ffff") else f"{groups[:4]}:{groups[4:]}"
            target = f"http://[{wrap.format(inner)}]:{hidden.port}/"
            with LoopbackServer({"/feed.xml": Reply(status=302, headers={"Location": target})}) as server:
                result = fetch_url(server.url("/feed.xml"), settings=FAST, guard=named(server), kind="feed")

            assert hidden.requests == []
        assert (result.outcome, result.status) == ("refused-unsafe", None)
        assert "127.0.0.2" in (result.error or "")


class TestOrigins:
    def test_redirect_to_another_port_of_the_named_host_is_refused(self) -> None:
        """A feed on a named loopback port redirecting to another local port (say Prefect's API) is refused."""
        with LoopbackServer({"/api/admin": Reply(body=b"{}", content_type="application/json")}) as api:
            to_api = Reply(status=307, headers={"Location": api.url("/api/admin")})
            with LoopbackServer({"/feed.xml": to_api}) as feed:
                result = fetch_url(feed.url("/feed.xml"), settings=FAST, guard=named(feed), kind="feed")

            assert api.requests == []
        assert result.outcome == "refused-unsafe"
        assert f"only http://127.0.0.1:{feed.port} (the feeds file) may be reached" in (result.error or "")
        assert f"not http://127.0.0.1:{api.port}" in (result.error or "")

    def test_the_named_origin_is_fetched_with_its_redirects_inside_it(self) -> None:
        """Pages and redirects inside the named origin are fetched as before."""
        with LoopbackServer({"/old": Reply(status=301, headers={"Location": "/new"})}) as server:
            server.route("/new", Reply(body=b"<p>moved</p>"))
            result = fetch_url(server.url("/old"), settings=FAST, guard=named(server))

        assert (result.outcome, result.final_url) == ("ok", server.url("/new"))

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("http://newsroom.lan/story", True),
            ("http://NEWSROOM.lan:80/story", True),
            ("http://newsroom.lan./story", True),
            ("http://newsroom.lan:8080/story", False),
            ("https://newsroom.lan/story", False),
            ("https://newsroom.lan:80/story", False),
            ("http://[::1]:9910/", True),
            ("http://[0:0::1]:9910/x", True),
            ("http://[::1]:4200/", False),
        ],
    )
    def test_origins_compare_scheme_host_and_port_with_defaults_filled_in(self, url: str, allowed: bool) -> None:
        """`http://h` and `http://h:80` are one origin; another scheme or port is another."""
        resolver = injected_resolver({"newsroom.lan": ["192.168.5.5"], "newsroom.lan.": ["192.168.5.5"]})
        guard = UrlGuard(["http://newsroom.lan/feed", "http://[::1]:9910/feed"], resolver=resolver)  # type: ignore[arg-type]

        assert (guard.check(url) is None) is allowed

    @pytest.mark.parametrize("value", ["127.0.0.1", "newsroom.lan", "file:///etc/feed.xml", "http:///feed"])
    def test_a_bare_host_is_not_an_origin(self, value: str) -> None:
        """The guard takes URLs, so a host name can never silently mean "every port"."""
        with pytest.raises(ValueError, match="not an http"):
            UrlGuard([value])


class TestCredentials:
    def test_redirect_with_credentials_sends_none_and_keeps_none(self) -> None:
        """A Location carrying user:password is followed without an Authorization header, and nothing keeps it."""
        with LoopbackServer({"/next": Reply(body=b"<p>there</p>")}) as server:
            secret = server.url("/next").replace("http://", "http://editor:secretpw@")
            server.route("/go", Reply(status=302, headers={"Location": secret}))
            result = fetch_url(server.url("/go"), settings=FAST, guard=named(server))
            [arrived] = server.requests_to("/next")

        assert result.outcome == "ok"
        assert arrived.header("Authorization") is None
        assert "secretpw" not in repr(result)

    def test_error_naming_a_url_with_credentials_is_scrubbed(self) -> None:
        """A redirect loop through a URL with a password is reported without the password."""
        with LoopbackServer() as server:
            secret = server.url("/loop").replace("http://", "http://editor:secretpw@")
            server.route("/loop", Reply(status=302, headers={"Location": secret}))
            result = fetch_url(server.url("/loop"), settings=FAST, guard=named(server))

        assert result.outcome == "redirect-loop"
        assert "secretpw" not in repr(result) and server.url("/loop") in (result.error or "")


PUBLIC_V4 = IPv4Network("93.184.216.0/24")
SAMPLE_V4_NETWORKS = [
    IPv4Network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "8.8.8.0/24",
        "1.0.0.0/8",
        "93.184.216.0/24",
    )
]
RETIRED_RELAY = IPv4Network("192.88.99.0/24")  # public once, the 6to4 relay anycast, retired by RFC 7526
JUDGED_FORMS = ("mapped", "translated", "nat64", "6to4")
REFUSED_FORMS = ("compatible", "nat64-local", "teredo")

ipv4_addresses = st.one_of(
    st.sampled_from(SAMPLE_V4_NETWORKS).flatmap(
        lambda network: st.integers(0, network.num_addresses - 1).map(lambda index: network[index])
    ),
    st.integers(0, 2**32 - 1).map(IPv4Address),
)


def wrap_ipv4(form: str, address: IPv4Address, noise: int) -> IPv6Address:
    """`address` inside an IPv6 transition form, built bit by bit from the RFCs (not with the guard's code)."""
    value = int(address)
    layouts = {
        "mapped": (0xFFFF << 32) | value,  # RFC 4291 ::ffff:a.b.c.d
        "translated": (0xFFFF << 48) | value,  # RFC 2765 ::ffff:0:a.b.c.d
        "nat64": (0x64FF9B << 96) | value,  # RFC 6052 64:ff9b::a.b.c.d
        "6to4": (0x2002 << 112) | (value << 80) | (noise & (2**80 - 1)),  # RFC 3056 2002:aabb:ccdd:...
        "compatible": value,  # RFC 4291 ::a.b.c.d
        "nat64-local": (0x0064FF9B0001 << 80) | (noise & (2**80 - 1)),  # RFC 8215 64:ff9b:1::/48
        # RFC 4380: 2001:0:<server>:<flags>:<~port>:<~client>
        "teredo": (0x20010000 << 96) | ((noise & (2**64 - 1)) << 32) | (~value & 0xFFFFFFFF),
    }
    return IPv6Address(layouts[form])


class TestAddressProperties:
    @given(
        form=st.sampled_from(JUDGED_FORMS + REFUSED_FORMS),
        inner=ipv4_addresses,
        noise=st.integers(0, 2**80 - 1),
        shown_as=st.sampled_from(["url", "dns", "dns-among-public"]),
        seed=st.integers(0, 2**16),
    )
    def test_a_wrapped_ipv4_address_is_judged_like_the_address_itself(
        self, form: str, inner: IPv4Address, noise: int, shown_as: str, seed: int
    ) -> None:
        """However an IPv4 address is wrapped and however it arrives, it passes only if public and in a judged form."""
        wrapped = wrap_ipv4(form, inner, noise)
        answers = [str(wrapped)] + (["93.184.216.34", "2606:2800:220:1::1"] if shown_as == "dns-among-public" else [])
        random.Random(seed).shuffle(answers)
        resolver = injected_resolver({"wrapped.example": answers})
        guard = UrlGuard([], resolver=resolver)  # type: ignore[arg-type]
        url = f"http://[{wrapped}]:8080/x" if shown_as == "url" else "http://wrapped.example:8080/x"

        reason = guard.check(url)

        public = inner.is_global and not inner.is_multicast and inner not in RETIRED_RELAY
        assert (reason is None) is (form in JUDGED_FORMS and public)
        carries_nothing_readable = form == "nat64-local" or (form == "compatible" and int(inner) <= 1)
        if reason is not None and not carries_nothing_readable:
            assert str(inner) in reason
        assert resolver.asked == ([] if shown_as == "url" else ["wrapped.example"])  # type: ignore[attr-defined]

    @given(
        named=st.lists(
            st.tuples(
                st.sampled_from(["http", "https"]),
                st.sampled_from(["127.0.0.1", "newsroom.lan", "[::1]", "desk.internal"]),
                st.sampled_from([80, 443, 4200, 8080, 9910]),
                st.booleans(),
            ),
            max_size=4,
        ),
        candidate=st.tuples(
            st.sampled_from(["http", "https"]),
            st.sampled_from(["127.0.0.1", "newsroom.lan", "[::1]", "desk.internal"]),
            st.sampled_from([80, 443, 4200, 8080, 9910]),
            st.booleans(),
        ),
        upper=st.booleans(),
        private=st.sampled_from(["10.1.2.3", "192.168.0.5", "169.254.169.254", "fd00::5", "64:ff9b::a9fe:a9fe"]),
    )
    def test_private_addresses_are_reached_only_at_named_origins(
        self,
        named: list[tuple[str, str, int, bool]],
        candidate: tuple[str, str, int, bool],
        upper: bool,
        private: str,
    ) -> None:
        """A non-public address passes exactly when scheme, host and port (defaults filled in) match a named feed."""

        def spell(scheme: str, host: str, port: int, explicit_default: bool) -> str:
            default = {"http": 80, "https": 443}[scheme]
            shown_port = f":{port}" if port != default or explicit_default else ""
            return f"{scheme}://{host}{shown_port}/feed.xml"

        resolver = injected_resolver({"newsroom.lan": [private], "desk.internal": [private]})
        guard = UrlGuard([spell(*origin) for origin in named], resolver=resolver)  # type: ignore[arg-type]
        scheme, host, port, explicit_default = candidate
        url = spell(scheme, host.upper() if upper else host, port, explicit_default).replace("/feed.xml", "/story")

        reason = guard.check(url)

        named_origins = {(s, h, p) for s, h, p, _ in named}
        assert (reason is None) is ((scheme, host, port) in named_origins)
        if reason is not None and any(h == host for _, h, _, _ in named):
            assert "(the feeds file) may be reached on this host" in reason

    @given(
        named=st.lists(st.sampled_from(["http://127.0.0.1:9910/f", "http://newsroom.lan/f"]), max_size=2),
        port=st.integers(1, 65535),
        address=st.sampled_from(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"]),
    )
    def test_public_addresses_pass_whatever_the_feeds_file_names(
        self, named: list[str], port: int, address: str
    ) -> None:
        """The origin rule only restricts private addresses: a public site passes on any port."""
        guard = UrlGuard(named, resolver=injected_resolver({"news.example": [address]}))  # type: ignore[arg-type]

        assert guard.check(f"http://news.example:{port}/a") is None


class TestFetchUrl:
    def test_fetches_html_with_user_agent_and_contact(self) -> None:
        """A page is fetched with a User-Agent naming presswatch and the operator's contact."""
        settings = FetchSettings(per_host_delay_s=0, contact="desk@example.org")
        with LoopbackServer({"/a": Reply(body=b"<p>hello</p>")}) as server:
            result = fetch_url(server.url("/a"), settings=settings, guard=named(server))
            [request] = server.requests

        assert (result.outcome, result.status, result.text) == ("ok", 200, "<p>hello</p>")
        assert "presswatch" in (request.header("User-Agent") or "")
        assert "desk@example.org" in (request.header("User-Agent") or "")

    @pytest.mark.parametrize(("status", "outcome"), [(404, "http-4xx"), (410, "http-4xx"), (500, "http-5xx")])
    def test_classifies_error_statuses(self, status: int, outcome: str) -> None:
        """4xx and 5xx answers are classified, with the status kept."""
        with LoopbackServer({"/x": Reply(status=status, body=b"no")}) as server:
            result = fetch_url(server.url("/x"), settings=FAST, guard=named(server))

        assert (result.outcome, result.status) == (outcome, status)

    def test_slow_trickling_server_hits_the_deadline(self) -> None:
        """A server sending a byte every 0.3 s is cut off by the 1 s wall-clock deadline."""
        settings = FetchSettings(per_host_delay_s=0, read_timeout_s=5, deadline_s=1.0)
        trickle = Reply(body=b"", chunks=(b"x" for _ in range(100)), chunk_interval_s=0.3)
        with LoopbackServer({"/slow": trickle}) as server:
            result = fetch_url(server.url("/slow"), settings=settings, guard=named(server))

        assert result.outcome == "timeout"
        assert result.duration_s < 2.5

    def test_redirect_loop_is_stopped(self) -> None:
        """Two URLs redirecting to each other end as redirect-loop."""
        with LoopbackServer() as server:
            server.route("/a", Reply(status=302, headers={"Location": "/b"}))
            server.route("/b", Reply(status=302, headers={"Location": server.url("/a")}))
            result = fetch_url(server.url("/a"), settings=FAST, guard=named(server))

        assert result.outcome == "redirect-loop"

    @pytest.mark.parametrize(("hops", "outcome"), [(5, "ok"), (6, "too-many-redirects")])
    def test_at_most_five_redirects(self, hops: int, outcome: str) -> None:
        """Five redirects are followed; a sixth is refused."""
        routes: dict[str, Reply] = {
            f"/r{i}": Reply(status=301, headers={"Location": f"/r{i + 1}"}) for i in range(hops)
        }
        routes[f"/r{hops}"] = Reply(body=b"<p>end</p>")
        with LoopbackServer(routes) as server:
            result = fetch_url(server.url("/r0"), settings=FAST, guard=named(server))

        assert result.outcome == outcome

    @pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
    def test_twenty_megabyte_body_is_cut_at_max_bytes(self, declared: bool) -> None:
        """A 20 MB response is stopped at max_bytes and recorded as too-large."""
        block = b"a" * 65_536
        reply = Reply(body=block * 320) if declared else Reply(chunks=(block for _ in range(320)))
        with LoopbackServer({"/big": reply}) as server:
            result = fetch_url(server.url("/big"), settings=FAST, guard=named(server))

        assert result.outcome == "too-large"
        assert len(result.body) <= FAST.max_bytes

    def test_gzip_body_is_decoded(self) -> None:
        """A gzip-encoded page arrives decoded."""
        with LoopbackServer({"/z": Reply(body=b"<p>zipped</p>", gzip=True)}) as server:
            result = fetch_url(server.url("/z"), settings=FAST, guard=named(server))

        assert result.text == "<p>zipped</p>"

    def test_gzip_bomb_is_capped_by_decoded_size(self) -> None:
        """A small gzip body that inflates past max_bytes is too-large."""
        settings = FetchSettings(per_host_delay_s=0, max_bytes=100_000)
        with LoopbackServer({"/bomb": Reply(body=b"\0" * 5_000_000, gzip=True)}) as server:
            result = fetch_url(server.url("/bomb"), settings=settings, guard=named(server))

        assert result.outcome == "too-large"

    @pytest.mark.parametrize(
        ("body", "content_type", "expected"),
        [
            (
                "<p>caf\u00e9 \u2013 \u201cquote\u201d</p>".encode("cp1252"),
                "text/html; charset=iso-8859-1",
                "caf\u00e9 \u2013 \u201cquote\u201d",
            ),
            (b'<meta charset="windows-1252"><p>caf\xe9</p>', "text/html", "caf\u00e9"),
            ("<p>caf\u00e9 d\u00e9j\u00e0 vu</p>".encode(), "text/html", "caf\u00e9 d\u00e9j\u00e0 vu"),
            (b"<p>caf\xc3\xa9 broken \xff\xfe byte</p>", "text/html; charset=utf-8", "caf\u00e9 broken"),
        ],
        ids=["latin1-header-means-cp1252", "meta-charset", "undeclared-utf8", "utf8-with-bad-bytes"],
    )
    def test_decodes_wrong_or_missing_charsets(self, body: bytes, content_type: str, expected: str) -> None:
        """Pages decode from header, meta tag or detection, and bad bytes never crash."""
        with LoopbackServer({"/c": Reply(body=body, content_type=content_type)}) as server:
            result = fetch_url(server.url("/c"), settings=FAST, guard=named(server))

        assert result.outcome == "ok"
        assert expected in (result.text or "")

    def test_refuses_non_html_pages(self) -> None:
        """A PDF or image is not read: bad-content-type."""
        with LoopbackServer({"/f": Reply(body=b"%PDF-1.4", content_type="application/pdf")}) as server:
            result = fetch_url(server.url("/f"), settings=FAST, guard=named(server))

        assert (result.outcome, result.body) == ("bad-content-type", b"")

    def test_unnamed_loopback_host_receives_nothing(self) -> None:
        """A URL on 127.0.0.2 is refused before connecting: the server there sees no request."""
        with LoopbackServer({"/": Reply(body=b"secret")}, host="127.0.0.2") as hidden:
            result = fetch_url(hidden.url("/"), settings=FAST, guard=NOTHING_NAMED)

            assert hidden.requests == []
        assert result.outcome == "refused-unsafe"

    @pytest.mark.parametrize("address", ["10.0.0.8", "192.168.0.10", "169.254.169.254"])
    def test_private_resolution_refused_before_connecting(self, address: str) -> None:
        """A name resolving to a private or metadata address is refused with no connection attempted."""
        guard = UrlGuard(["http://127.0.0.1/feed"], resolver=injected_resolver({"evil.example": [address]}))  # type: ignore[arg-type]

        result = fetch_url("http://evil.example/latest/meta-data/", settings=FAST, guard=guard)

        assert result.outcome == "refused-unsafe"
        assert result.status is None

    def test_redirect_to_unnamed_host_is_refused(self) -> None:
        """An allowed host redirecting to a private name is stopped at that hop."""
        resolver = injected_resolver({"internal.example": ["192.168.1.20"]})
        with LoopbackServer({"/go": Reply(status=302, headers={"Location": "http://internal.example/admin"})}) as s:
            guard = UrlGuard([s.url("/feed")], resolver=resolver)  # type: ignore[arg-type]
            result = fetch_url(s.url("/go"), settings=FAST, guard=guard)

        assert result.outcome == "refused-unsafe"
        assert result.final_url == "http://internal.example/admin"

    def test_redirect_to_unnamed_loopback_address_is_refused(self) -> None:
        """A redirect from the named 127.0.0.1 to the unnamed 127.0.0.2 is refused; 127.0.0.2 sees nothing."""
        with (
            LoopbackServer({"/": Reply(body=b"inside")}, host="127.0.0.2") as hidden,
            LoopbackServer({"/go": Reply(status=307, headers={"Location": hidden.url("/")})}) as server,
        ):
            result = fetch_url(server.url("/go"), settings=FAST, guard=named(server))

            assert hidden.requests == []
        assert result.outcome == "refused-unsafe"

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/"])
    def test_other_schemes_are_refused(self, url: str) -> None:
        """file:// and other schemes end as refused-unsafe without touching anything."""
        assert fetch_url(url, settings=FAST, guard=NOTHING_NAMED).outcome == "refused-unsafe"

    def test_unresolvable_name_is_a_dns_failure(self) -> None:
        """A name that does not resolve is recorded as dns, not as a refusal."""
        guard = UrlGuard([], resolver=injected_resolver({}))  # type: ignore[arg-type]

        assert fetch_url("https://missing.example/", settings=FAST, guard=guard).outcome == "dns"

    def test_closed_port_is_a_connect_error(self) -> None:
        """Nothing listening is a connect-error."""
        with LoopbackServer() as server:
            url = server.url("/")
        assert fetch_url(url, settings=FAST, guard=UrlGuard([url])).outcome == "connect-error"


class TestHelpers:
    @pytest.mark.parametrize("charset", ["idna", "punycode", "undefined", "base64", "unicode_escape", "utf-7", "nope"])
    def test_a_charset_that_is_no_page_charset_falls_back(self, charset: str) -> None:
        """A declared codec that fails, is not a text codec, or is no browser's charset is ignored: the page is read
        as UTF-8, escapes and UTF-7 shifts left as written."""
        body = f'<html><head><meta charset="{charset}"></head><p>caf\u00e9 \\u0041 +ADw-b+AD4-</p></html>'.encode()

        text = decode_html(body, None)

        assert "caf\u00e9 \\u0041 +ADw-b+AD4-" in text

    def test_decodes_undeclared_legacy_page(self) -> None:
        """An undeclared Windows-1252 page decodes without replacement characters for its accents."""
        body = "<html><body><p>" + "Le caf\u00e9 o\u00f9 l'\u00e9t\u00e9 commen\u00e7a. " * 20 + "</p></body></html>"

        assert "caf\u00e9" in decode_html(body.encode("cp1252"), None)
