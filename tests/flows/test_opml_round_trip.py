"""`presswatch feeds import` and `feeds export` as a user runs them: real processes on real files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.processes import PRESSWATCH, PROJECT_DIR
from transforms.opml import parse_opml

HEADER = "source_id,name,feed_url,respect_robots\n"
TEAM_FEEDS = (
    "bbc-politics,BBC News - Politics,https://feeds.bbci.co.uk/news/politics/rss.xml,true\n"
    "guardian-politics,The Guardian - Politics,https://www.theguardian.com/politics/rss,true\n"
)
NEWS_SITEMAP = "echo-news,The Fenmouth Echo,https://echo.example/news-sitemap.xml,true\n"


def presswatch(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PRESSWATCH, *arguments], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)


def ids(path: Path) -> list[str]:
    return [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestOpmlImport:
    def test_import_into_a_header_only_feeds_file(self, tmp_path: Path) -> None:
        """A feeds file holding only its header (a new team's) takes an imported list instead of failing."""
        exported = tmp_path / "team.opml"
        assert (
            presswatch(
                "feeds",
                "export",
                "--feeds",
                str(write(tmp_path / "team.csv", HEADER + TEAM_FEEDS)),
                "--out",
                str(exported),
            ).returncode
            == 0
        )
        target = write(tmp_path / "feeds.csv", HEADER)

        result = presswatch("feeds", "import", str(exported), "--feeds", str(target))

        assert result.returncode == 0, result.stderr
        assert "Imported 2 feed(s)" in result.stdout
        assert ids(target) == ["bbc-politics", "guardian-politics"]

    def test_round_trip_keeps_every_source_id(self, tmp_path: Path) -> None:
        """Export then import into a new feeds file gives back the same ids, so no feed's history is split."""
        team = write(tmp_path / "team.csv", HEADER + TEAM_FEEDS)
        exported = tmp_path / "team.opml"
        moved = tmp_path / "moved.csv"

        exporting = presswatch("feeds", "export", "--feeds", str(team), "--out", str(exported))
        importing = presswatch("feeds", "import", str(exported), "--feeds", str(moved))

        assert (exporting.returncode, importing.returncode) == (0, 0), exporting.stderr + importing.stderr
        assert moved.read_text(encoding="utf-8") == team.read_text(encoding="utf-8")

    def test_a_feed_already_listed_keeps_its_id(self, tmp_path: Path) -> None:
        """An address the file lists under another id stays as it is, whatever id the list gives it."""
        exported = tmp_path / "team.opml"
        presswatch(
            "feeds", "export", "--feeds", str(write(tmp_path / "team.csv", HEADER + TEAM_FEEDS)), "--out", str(exported)
        )
        mine = write(
            tmp_path / "feeds.csv", HEADER + "my-bbc,BBC,https://feeds.bbci.co.uk/news/politics/rss.xml,true\n"
        )

        result = presswatch("feeds", "import", str(exported), "--feeds", str(mine))

        assert result.returncode == 0, result.stderr
        assert "Imported 1 feed(s)" in result.stdout and "1 already listed" in result.stdout
        assert ids(mine) == ["my-bbc", "guardian-politics"]

    def test_an_id_taken_by_another_feed_is_not_reused(self, tmp_path: Path) -> None:
        """A list's id that the file gives another address is replaced by one made from the title, and said so."""
        exported = tmp_path / "team.opml"
        presswatch(
            "feeds", "export", "--feeds", str(write(tmp_path / "team.csv", HEADER + TEAM_FEEDS)), "--out", str(exported)
        )
        mine = write(tmp_path / "feeds.csv", HEADER + "bbc-politics,BBC,https://bbc.example/other.xml,true\n")

        result = presswatch("feeds", "import", str(exported), "--feeds", str(mine))

        assert result.returncode == 0, result.stderr
        assert ids(mine) == ["bbc-politics", "bbc-news-politics", "guardian-politics"]
        assert "bbc-politics is taken by another feed here; imported as bbc-news-politics" in result.stdout


class TestOpmlExport:
    def test_news_sitemaps_are_left_out_with_a_note(self, tmp_path: Path) -> None:
        """Feed readers cannot read a sitemap, so export leaves it out and says so in the file and on screen."""
        team = write(tmp_path / "team.csv", HEADER + TEAM_FEEDS + NEWS_SITEMAP)
        exported = tmp_path / "team.opml"

        result = presswatch("feeds", "export", "--feeds", str(team), "--out", str(exported))

        document = exported.read_text(encoding="utf-8")
        assert result.returncode == 0, result.stderr
        assert [feed.feed_url for feed in parse_opml(exported.read_bytes()).feeds] == [
            "https://feeds.bbci.co.uk/news/politics/rss.xml",
            "https://www.theguardian.com/politics/rss",
        ]
        assert "left out echo-news (https://echo.example/news-sitemap.xml): a news sitemap" in document
        assert "Exported 2 feed(s)" in result.stdout
        assert "left out 1 news sitemap(s) (echo-news): feed readers cannot read sitemaps" in result.stdout

    def test_standard_output_carries_only_the_document(self, tmp_path: Path) -> None:
        """Exported to standard output, the document parses as it is; the note about sitemaps goes to stderr."""
        team = write(tmp_path / "team.csv", HEADER + TEAM_FEEDS + NEWS_SITEMAP)

        result = presswatch("feeds", "export", "--feeds", str(team))

        assert result.returncode == 0, result.stderr
        assert len(parse_opml(result.stdout.encode("utf-8")).feeds) == 2
        assert "left out 1 news sitemap(s) (echo-news)" in result.stderr
