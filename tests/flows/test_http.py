"""The guarded HTTP client against real loopback servers: safe URLs, limits, redirects, decoding."""

from __future__ import annotations

import pytest
from loopback import LoopbackServer, Reply

from flows.http import FetchSettings, UrlGuard, decode_html, fetch_url, parse_retry_after

LOCAL = UrlGuard(["127.0.0.1"])
FAST = FetchSettings(per_host_delay_s=0.0, connect_timeout_s=2, read_timeout_s=2, deadline_s=5)


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
        assert LOCAL.check(url) is not None

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
        guard = UrlGuard(["127.0.0.1"], resolver=injected_resolver({name: [address]}))  # type: ignore[arg-type]

        reason = guard.check(f"https://{name}/story")

        assert reason is not None and name in reason

    def test_refuses_when_any_resolved_address_is_private(self) -> None:
        """One private address among public ones is enough to refuse (a rebinding trick)."""
        guard = UrlGuard([], resolver=injected_resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]}))  # type: ignore[arg-type]

        assert guard.check("https://mixed.example/") is not None

    def test_allows_public_names_and_named_private_hosts(self) -> None:
        """A public address passes, and so does a private host the operator's feeds file names."""
        resolver = injected_resolver({"news.example": ["93.184.216.34"], "newsroom.lan": ["192.168.5.5"]})
        guard = UrlGuard(["newsroom.lan"], resolver=resolver)  # type: ignore[arg-type]

        assert [guard.check("https://news.example/a"), guard.check("http://newsroom.lan/feed")] == [
            None,
            None,
        ]

    def test_unnamed_loopback_address_is_refused(self) -> None:
        """127.0.0.2 is loopback and not named by the operator, so it is refused."""
        assert LOCAL.check("http://127.0.0.2:8080/") is not None


class TestFetchUrl:
    def test_fetches_html_with_user_agent_and_contact(self) -> None:
        """A page is fetched with a User-Agent naming presswatch and the operator's contact."""
        settings = FetchSettings(per_host_delay_s=0, contact="desk@example.org")
        with LoopbackServer({"/a": Reply(body=b"<p>hello</p>")}) as server:
            result = fetch_url(server.url("/a"), settings=settings, guard=LOCAL)
            [request] = server.requests

        assert (result.outcome, result.status, result.text) == ("ok", 200, "<p>hello</p>")
        assert "presswatch" in (request.header("User-Agent") or "")
        assert "desk@example.org" in (request.header("User-Agent") or "")

    @pytest.mark.parametrize(("status", "outcome"), [(404, "http-4xx"), (410, "http-4xx"), (500, "http-5xx")])
    def test_classifies_error_statuses(self, status: int, outcome: str) -> None:
        """4xx and 5xx answers are classified, with the status kept."""
        with LoopbackServer({"/x": Reply(status=status, body=b"no")}) as server:
            result = fetch_url(server.url("/x"), settings=FAST, guard=LOCAL)

        assert (result.outcome, result.status) == (outcome, status)

    def test_slow_trickling_server_hits_the_deadline(self) -> None:
        """A server sending a byte every 0.3 s is cut off by the 1 s wall-clock deadline."""
        settings = FetchSettings(per_host_delay_s=0, read_timeout_s=5, deadline_s=1.0)
        trickle = Reply(body=b"", chunks=(b"x" for _ in range(100)), chunk_interval_s=0.3)
        with LoopbackServer({"/slow": trickle}) as server:
            result = fetch_url(server.url("/slow"), settings=settings, guard=LOCAL)

        assert result.outcome == "timeout"
        assert result.duration_s < 2.5

    def test_redirect_loop_is_stopped(self) -> None:
        """Two URLs redirecting to each other end as redirect-loop."""
        with LoopbackServer() as server:
            server.route("/a", Reply(status=302, headers={"Location": "/b"}))
            server.route("/b", Reply(status=302, headers={"Location": server.url("/a")}))
            result = fetch_url(server.url("/a"), settings=FAST, guard=LOCAL)

        assert result.outcome == "redirect-loop"

    @pytest.mark.parametrize(("hops", "outcome"), [(5, "ok"), (6, "too-many-redirects")])
    def test_at_most_five_redirects(self, hops: int, outcome: str) -> None:
        """Five redirects are followed; a sixth is refused."""
        routes: dict[str, Reply] = {
            f"/r{i}": Reply(status=301, headers={"Location": f"/r{i + 1}"}) for i in range(hops)
        }
        routes[f"/r{hops}"] = Reply(body=b"<p>end</p>")
        with LoopbackServer(routes) as server:
            result = fetch_url(server.url("/r0"), settings=FAST, guard=LOCAL)

        assert result.outcome == outcome

    @pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
    def test_twenty_megabyte_body_is_cut_at_max_bytes(self, declared: bool) -> None:
        """A 20 MB response is stopped at max_bytes and recorded as too-large."""
        block = b"a" * 65_536
        reply = Reply(body=block * 320) if declared else Reply(chunks=(block for _ in range(320)))
        with LoopbackServer({"/big": reply}) as server:
            result = fetch_url(server.url("/big"), settings=FAST, guard=LOCAL)

        assert result.outcome == "too-large"
        assert len(result.body) <= FAST.max_bytes

    def test_gzip_body_is_decoded(self) -> None:
        """A gzip-encoded page arrives decoded."""
        with LoopbackServer({"/z": Reply(body=b"<p>zipped</p>", gzip=True)}) as server:
            result = fetch_url(server.url("/z"), settings=FAST, guard=LOCAL)

        assert result.text == "<p>zipped</p>"

    def test_gzip_bomb_is_capped_by_decoded_size(self) -> None:
        """A small gzip body that inflates past max_bytes is too-large."""
        settings = FetchSettings(per_host_delay_s=0, max_bytes=100_000)
        with LoopbackServer({"/bomb": Reply(body=b"\0" * 5_000_000, gzip=True)}) as server:
            result = fetch_url(server.url("/bomb"), settings=settings, guard=LOCAL)

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
            result = fetch_url(server.url("/c"), settings=FAST, guard=LOCAL)

        assert result.outcome == "ok"
        assert expected in (result.text or "")

    def test_refuses_non_html_pages(self) -> None:
        """A PDF or image is not read: bad-content-type."""
        with LoopbackServer({"/f": Reply(body=b"%PDF-1.4", content_type="application/pdf")}) as server:
            result = fetch_url(server.url("/f"), settings=FAST, guard=LOCAL)

        assert (result.outcome, result.body) == ("bad-content-type", b"")

    def test_unnamed_loopback_host_receives_nothing(self) -> None:
        """A URL on 127.0.0.2 is refused before connecting: the server there sees no request."""
        with LoopbackServer({"/": Reply(body=b"secret")}, host="127.0.0.2") as hidden:
            result = fetch_url(hidden.url("/"), settings=FAST, guard=LOCAL)

            assert hidden.requests == []
        assert result.outcome == "refused-unsafe"

    @pytest.mark.parametrize("address", ["10.0.0.8", "192.168.0.10", "169.254.169.254"])
    def test_private_resolution_refused_before_connecting(self, address: str) -> None:
        """A name resolving to a private or metadata address is refused with no connection attempted."""
        guard = UrlGuard(["127.0.0.1"], resolver=injected_resolver({"evil.example": [address]}))  # type: ignore[arg-type]

        result = fetch_url("http://evil.example/latest/meta-data/", settings=FAST, guard=guard)

        assert result.outcome == "refused-unsafe"
        assert result.status is None

    def test_redirect_to_unnamed_host_is_refused(self) -> None:
        """An allowed host redirecting to a private name is stopped at that hop."""
        resolver = injected_resolver({"internal.example": ["192.168.1.20"]})
        guard = UrlGuard(["127.0.0.1"], resolver=resolver)  # type: ignore[arg-type]
        with LoopbackServer({"/go": Reply(status=302, headers={"Location": "http://internal.example/admin"})}) as s:
            result = fetch_url(s.url("/go"), settings=FAST, guard=guard)

        assert result.outcome == "refused-unsafe"
        assert result.final_url == "http://internal.example/admin"

    def test_redirect_to_unnamed_loopback_address_is_refused(self) -> None:
        """A redirect from the named 127.0.0.1 to the unnamed 127.0.0.2 is refused; 127.0.0.2 sees nothing."""
        with (
            LoopbackServer({"/": Reply(body=b"inside")}, host="127.0.0.2") as hidden,
            LoopbackServer({"/go": Reply(status=307, headers={"Location": hidden.url("/")})}) as server,
        ):
            result = fetch_url(server.url("/go"), settings=FAST, guard=LOCAL)

            assert hidden.requests == []
        assert result.outcome == "refused-unsafe"

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/"])
    def test_other_schemes_are_refused(self, url: str) -> None:
        """file:// and other schemes end as refused-unsafe without touching anything."""
        assert fetch_url(url, settings=FAST, guard=LOCAL).outcome == "refused-unsafe"

    def test_unresolvable_name_is_a_dns_failure(self) -> None:
        """A name that does not resolve is recorded as dns, not as a refusal."""
        guard = UrlGuard([], resolver=injected_resolver({}))  # type: ignore[arg-type]

        assert fetch_url("https://missing.example/", settings=FAST, guard=guard).outcome == "dns"

    def test_closed_port_is_a_connect_error(self) -> None:
        """Nothing listening is a connect-error."""
        with LoopbackServer() as server:
            url = server.url("/")
        assert fetch_url(url, settings=FAST, guard=LOCAL).outcome == "connect-error"


class TestHelpers:
    @pytest.mark.parametrize(("value", "expected"), [("120", 120.0), (None, None), ("soon", None)])
    def test_parses_retry_after(self, value: str | None, expected: float | None) -> None:
        """Retry-After in seconds is read; absent or junk values give None."""
        assert parse_retry_after(value) == expected

    def test_decodes_undeclared_legacy_page(self) -> None:
        """An undeclared Windows-1252 page decodes without replacement characters for its accents."""
        body = "<html><body><p>" + "Le caf\u00e9 o\u00f9 l'\u00e9t\u00e9 commen\u00e7a. " * 20 + "</p></body></html>"

        assert "caf\u00e9" in decode_html(body.encode("cp1252"), None)
