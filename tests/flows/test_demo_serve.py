"""`presswatch demo serve`: the demo newsroom on its own, on any port, as a real process stopped with Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import urllib.request

from tests.support.processes import PRESSWATCH, PROJECT_DIR, as_from_a_terminal

SEA_WALL_PAGE = "sea-wall-breach-forces-evacuation-in-english-coastal-town.html"
ADDRESS = re.compile(r"serving on (http://127\.0\.0\.1:(\d+))/")


def start_serving(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PRESSWATCH, "demo", "serve", *arguments],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_from_a_terminal,
    )


def read_page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only: the address the command printed
        return str(response.read().decode("utf-8"))


def stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Ctrl-C, as a terminal sends it to its foreground job."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


class TestDemoServe:
    def test_serves_on_any_port_with_links_that_follow_it(self) -> None:
        """Given --port 0 it serves on a free port, says where, and every link of its pages names that port."""
        process = start_serving("--port", "0")
        try:
            assert process.stdout is not None
            printed = [process.stdout.readline() for _ in range(6)]  # the address, four outlets, the example
            match = ADDRESS.search(printed[0])
            assert match, printed
            base, port = match.group(1), match.group(2)

            home = read_page(f"{base}/northgate-herald/")
            feed = read_page(f"{base}/northgate-herald/feed.xml")
            article = read_page(f"{base}/meridian-wire/2025/01/04/{SEA_WALL_PAGE}")
        finally:
            code, out, err = stop(process)

        assert port != "8765"
        for page in (home, feed, article):
            assert "__NEWSROOM__" not in page and "127.0.0.1:8765" not in page
            assert f"{base}/" in page
        assert f"presswatch feeds add {base}/northgate-herald/" in printed[5]
        assert (code, "Traceback" in err) == (0, False), err
        assert "stopped" in out

    def test_a_taken_port_is_one_clear_line(self) -> None:
        """A port another program holds is refused in one line naming the port, with exit status 1."""
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]

            result = subprocess.run(
                [*PRESSWATCH, "demo", "serve", "--port", str(port)],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
                timeout=60,
            )

        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"presswatch demo serve: port {port} on 127.0.0.1 is taken; choose another with --port"
        ]
