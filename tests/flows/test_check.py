"""`presswatch check`: every problem of the seeds and the feeds file at once, offline and with --online."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply
from newsroom import PROJECT_DIR, copy_seeds
from sitemaps import news_url, urlset

from flows.cli import main

NOW = datetime.now(UTC)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the shipped seeds, feeds file included."""
    return copy_seeds(tmp_path / "seeds")


class TestCheck:
    def test_shipped_seeds_pass(self, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The seeds as shipped have no problem: exit 0 and a one-line summary."""
        code = main(["check", "--seeds", str(seeds), "--feeds", str(seeds / "feeds.csv")])

        assert code == 0
        assert capsys.readouterr().out.startswith("OK: 6 files, ")

    def test_several_problems_in_several_files_are_listed_at_once(
        self, seeds: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Problems in people, topics, alert rules and the feeds file all come out of one check, located."""
        edit(seeds / "people.csv", "elon-musk,", "Elon Musk,")
        edit(seeds / "topics.csv", "\nnhs,", "\nThe NHS,")
        (seeds / "topics.csv").write_text((seeds / "topics.csv").read_text() + "grooming-gangs,Again,again\n")
        rules = (seeds / "alert_rules.csv").read_text()
        (seeds / "alert_rules.csv").write_text(rules + "late,spike,person,,-4\n")
        late_row = len(rules.splitlines())  # rows count from the first under the header
        feeds = seeds / "feeds.csv"
        feeds.write_text(feeds.read_text() + "bbc-politics,Copy,https://example.org/copy.xml,true\nx,X,feed.xml,true\n")

        code = main(["check", "--seeds", str(seeds), "--feeds", str(feeds)])

        lines = capsys.readouterr().out.splitlines()
        assert code == 1
        assert lines[-1] == "6 problem(s) in 4 file(s); nothing was changed."
        people = next(line for line in lines if "people.csv" in line)
        assert people.startswith(f"{seeds}/people.csv row ")
        assert ", column person_id: person_id 'Elon Musk' must be lower-case words joined by hyphens" in people
        assert sum("topics.csv" in line for line in lines) == 2
        assert any("duplicate topic_id 'grooming-gangs' (each topic_id may appear once" in line for line in lines)
        assert any(
            f"alert_rules.csv row {late_row}, column window_hours: window_hours must not be negative" in line
            for line in lines
        )
        assert f"{feeds} row 6, column source_id: duplicate source_id 'bbc-politics'" in "\n".join(lines)
        assert f"{feeds} row 7, column feed_url: feed_url must be http(s), got 'feed.xml'" in "\n".join(lines)

    def test_bad_bytes_are_named_and_the_rest_still_checked(
        self, seeds: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A byte that is not UTF-8 is one problem; the rows after it are still checked."""
        feeds = seeds / "feeds.csv"
        feeds.write_bytes(
            feeds.read_bytes()
            + b"caf\xe9,Caf\xe9,https://example.org/caf.xml,true\nbbc-politics,B,https://b.example/x,true\n"
        )

        code = main(["check", "--seeds", str(seeds), "--feeds", str(feeds)])

        out = capsys.readouterr().out
        assert code == 1
        assert "row 6: byte 0xe9 is not valid UTF-8 text" in out
        assert "row 7, column source_id: duplicate source_id 'bbc-politics'" in out

    def test_optional_files_may_be_absent(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A seeds folder with only people.csv, beside a feeds file, is fine: runs use none and the shipped rules."""
        write(tmp_path / "people.csv", "person_id,name\nada-north,Ada North\n")
        feeds = write(tmp_path / "feeds.csv", "source_id,name,feed_url\ndesk,Desk,https://example.org/rss.xml\n")

        code = main(["check", "--seeds", str(tmp_path), "--feeds", str(feeds)])

        assert (code, capsys.readouterr().out) == (0, "OK: 2 files, 1 people, 1 feeds.\n")

    def test_missing_files_are_problems(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An empty seeds folder and an absent feeds file are reported, not a traceback."""
        code = main(["check", "--seeds", str(tmp_path), "--feeds", str(tmp_path / "feeds.csv")])

        out = capsys.readouterr().out
        assert code == 1
        assert "people.csv: file is missing" in out
        assert f"{tmp_path / 'feeds.csv'}: feeds file is missing" in out

    def test_check_loads_no_heavy_library(self, seeds: Path) -> None:
        """A check in a fresh interpreter imports neither Prefect, polars, DuckDB nor the HTTP client."""
        script = (
            "import sys\nfrom flows.cli import main\n"
            f"code = main(['check', '--seeds', {str(seeds)!r}, '--feeds', {str(seeds / 'feeds.csv')!r}])\n"
            "heavy = sorted(name for name in ('prefect', 'polars', 'duckdb', 'httpx', 'trafilatura', 'feedparser') "
            "if name in sys.modules)\nprint(code, heavy)\n"
        )

        result = subprocess.run(
            [sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60, check=True
        )

        assert result.stdout.splitlines()[-1] == "0 []"


class TestCheckOnline:
    def test_each_feed_is_said_to_be_a_feed_sitemap_page_or_unreachable(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A feed, a news sitemap, a section page (with the feed it advertises) and a 404 are each named as such."""
        monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
        seeds = copy_seeds(tmp_path / "seeds")
        rss = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
            b"<item><title>A</title><link>/a</link></item></channel></rss>"
        )
        page = (
            b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body></body></html>'
        )
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/rss.xml", Reply(body=rss, content_type="application/rss+xml"))
            server.route(
                "/news.xml",
                Reply(
                    body=urlset([news_url(f"{base}/n/1", "N", NOW - timedelta(hours=1))]),
                    content_type="application/xml",
                ),
            )
            server.route("/politics", Reply(body=page))
            feeds = write(
                tmp_path / "feeds.csv",
                "source_id,name,feed_url\n"
                f"desk,Desk,{base}/rss.xml\nnews,News,{base}/news.xml\nsection,Section,{base}/politics\ngone,Gone,{base}/gone.xml\n",
            )

            code = main(["check", "--online", "--seeds", str(seeds), "--feeds", str(feeds)])

        lines = capsys.readouterr().out.splitlines()
        assert code == 1
        assert any(line.startswith("desk     feed ") and "1 item(s)" in line for line in lines)
        assert any(line.startswith("news     sitemap ") and "1 recent news item(s)" in line for line in lines)
        assert any(line.startswith("section  web page ") for line in lines)
        assert f"         advertises: {base}/rss.xml" in lines
        assert any(line.startswith("gone     unreachable ") and "http-4xx" in line for line in lines)
        assert lines[-1] == "2 of 4 feeds answer as feeds or news sitemaps."
