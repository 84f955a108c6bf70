"""Run page extraction in worker processes with a hard wall-clock limit and a memory cap per page.

trafilatura's own timeout only covers its command line, and one 19 MB page can take it 30 s and 850 MB. Each page
therefore goes to a worker process: one that overruns its time limit is killed and replaced, one that hits the
address-space cap fails that page only. Each worker is a fresh interpreter (like multiprocessing's "spawn", so it
runs from a Prefect task thread and on macOS alike) started with `python -c`, not through multiprocessing: "spawn"
re-imports the caller's main module in every worker, which for the CLI means importing Prefect per worker.
The worker also prints the text it extracted for story matching (transforms.stories.print_text), so that CPU work
runs in parallel and once per article. Plain Python, no Prefect: the flow decides when to call it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from flows.adapters.lifetime import die_with_parent
from transforms.records import ExtractedPage
from transforms.stories import print_text
from transforms.text import article_text, extract_page

WORKER_START_TIMEOUT_S = 120.0  # importing trafilatura in a fresh interpreter on a loaded machine
WORKER_STOP_TIMEOUT_S = 5.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]  # so the worker imports this checkout's packages
WORKER_COMMAND = "from flows.adapters.extraction import serve; serve()"


@dataclass(frozen=True)
class PageToExtract:
    """One fetched page and what its feed said about it."""

    url: str
    html: str
    feed_title: str = ""
    feed_summary: str = ""


def extract_many(
    pages: Sequence[PageToExtract],
    *,
    workers: int = 2,
    time_limit_s: float = 20.0,
    memory_limit_mb: int = 1024,
) -> list[ExtractedPage]:
    """Extract every page in worker processes; results come back in input order, failures recorded, never raised."""
    with ExtractionPool(workers=workers, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb) as pool:
        return pool.extract(pages)


class ExtractionPool:
    """Worker processes kept for a whole run, so a run that extracts in batches starts its workers once."""

    def __init__(self, *, workers: int = 2, time_limit_s: float = 20.0, memory_limit_mb: int = 1024) -> None:
        self.workers = max(workers, 1)
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb
        self.pool: _Pool | None = None  # started when the first page needs a worker

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.__exit__(*exc_info)
            self.pool = None

    def extract(self, pages: Sequence[PageToExtract]) -> list[ExtractedPage]:
        """Extract `pages`; results in input order, failures recorded, never raised."""
        results: list[ExtractedPage | None] = [None] * len(pages)
        queue: deque[int] = deque()
        for index, page in enumerate(pages):
            if page.html.strip():
                queue.append(index)
            else:  # nothing to parse: decide in this process (feed summary or failure) without a worker
                results[index] = _extract_one(page)
        if queue:
            if self.pool is None:
                self.pool = _Pool(min(self.workers, len(queue)), self.memory_limit_mb)
            self.pool.run(pages, queue, results, self.time_limit_s)
        return [result if result is not None else _failed(pages[i], "no result") for i, result in enumerate(results)]


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    sender: Connection
    connection: Connection  # the receiving end, what the pool waits on
    ready: bool = False
    task: int | None = None
    deadline: float = 0.0
    started: float = field(default_factory=time.monotonic)


class _Pool:
    """A handful of worker processes the parent can kill and replace one at a time."""

    def __init__(self, size: int, memory_limit_mb: int) -> None:
        self.memory_limit_mb = memory_limit_mb
        self.workers = [self._start() for _ in range(size)]

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for worker in self.workers:
            self._stop(worker)

    def run(
        self,
        pages: Sequence[PageToExtract],
        queue: deque[int],
        results: list[ExtractedPage | None],
        time_limit_s: float,
    ) -> None:
        while queue or any(worker.task is not None for worker in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and queue:
                    index = queue.popleft()
                    worker.sender.send((index, pages[index]))
                    worker.task, worker.deadline = index, time.monotonic() + time_limit_s
            ready = wait([w.connection for w in self.workers], timeout=self._next_timeout())
            for worker in list(self.workers):
                if worker.connection in ready:
                    self._receive(worker, pages, results)
            self._enforce_deadlines(pages, results, time_limit_s)

    def _next_timeout(self) -> float:
        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.task is not None]
        deadlines += [w.started + WORKER_START_TIMEOUT_S for w in self.workers if not w.ready]
        return max(0.0, min(deadlines) - now) if deadlines else 0.1

    def _receive(self, worker: _Worker, pages: Sequence[PageToExtract], results: list[ExtractedPage | None]) -> None:
        try:
            kind, payload = worker.connection.recv()
        except (EOFError, OSError):  # the worker died: killed by the kernel, or a crash inside libxml2
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(WORKER_STOP_TIMEOUT_S)
            if worker.task is not None:
                code = worker.process.returncode
                results[worker.task] = _failed(
                    pages[worker.task], f"memory limit or crash: worker exited with code {code}"
                )
            self._replace(worker)
            return
        if kind == "ready":
            worker.ready = True
        elif worker.task is not None:
            results[worker.task] = payload
            worker.task = None
            if kind == "recycle":  # a MemoryError leaves the interpreter in doubt: start afresh
                self._replace(worker)

    def _enforce_deadlines(
        self, pages: Sequence[PageToExtract], results: list[ExtractedPage | None], time_limit_s: float
    ) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is not None and now >= worker.deadline:
                results[worker.task] = _failed(pages[worker.task], f"timeout after {time_limit_s:g}s")
                self._replace(worker)
            elif not worker.ready and now >= worker.started + WORKER_START_TIMEOUT_S:
                raise RuntimeError(f"extraction worker did not start within {WORKER_START_TIMEOUT_S:g}s")

    def _start(self) -> _Worker:
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER_COMMAND, str(self.memory_limit_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            close_fds=True,
            preexec_fn=die_with_parent,  # a run killed -9 leaves no worker behind
        )
        assert process.stdin is not None and process.stdout is not None
        sender = Connection(os.dup(process.stdin.fileno()), readable=False)
        receiver = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        return _Worker(process=process, sender=sender, connection=receiver)

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker, kill=True)
        self.workers[self.workers.index(worker)] = self._start()

    def _stop(self, worker: _Worker, *, kill: bool = False) -> None:
        if not kill and worker.process.poll() is None:
            with contextlib.suppress(OSError):
                worker.sender.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(WORKER_STOP_TIMEOUT_S)
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(WORKER_STOP_TIMEOUT_S)
        worker.sender.close()
        worker.connection.close()


def serve() -> None:
    """Worker entry point: pages arrive on stdin, results leave on stdout; stray prints go to stderr."""
    import signal

    # Only the parent stops a worker (or the kernel, when the parent dies): a Ctrl-C at the terminal reaches the
    # whole process group, and the run, not each worker, decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    receiver = Connection(os.dup(0), writable=False)
    sender = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    _worker_main(receiver, sender, int(sys.argv[1]))


def _worker_main(receiver: Connection, sender: Connection, memory_limit_mb: int) -> None:
    """Worker loop: cap the address space, announce readiness, extract pages until told to stop."""
    # trafilatura is imported by the first page (transforms.text): here, so its import is neither on a page's time
    # limit nor in a page's memory budget, which is added to the size the worker has once it is loaded.
    extract_page("<html><body><p>A first page.</p></body></html>", url="")
    _limit_memory(memory_limit_mb)
    print_text("a first print before any page")  # numpy's first calls are slow: not on a page's time limit
    sender.send(("ready", None))
    while True:
        try:
            message: Any = receiver.recv()
        except EOFError:
            return
        if message is None:
            return
        _index, page = message
        try:
            sender.send(("result", _extract_one(page)))
        except MemoryError:
            sender.send(("recycle", _failed(page, f"memory limit of {memory_limit_mb} MB exceeded")))


def _extract_one(page: PageToExtract) -> ExtractedPage:
    result = extract_page(page.html, url=page.url, feed_summary=page.feed_summary, feed_title=page.feed_title)
    return replace(result, story_print=print_text(stored_text(page, result)))


def stored_text(page: PageToExtract, result: ExtractedPage) -> str:
    """The text the run stores for this page, as flows.stages.build_articles makes it: headline, blank line, body.

    The print carries this text's digest, so a print made for a text the run did not store is never used.
    """
    title = result.title or page.feed_title or page.url
    return article_text(title, result.text) if result.text else title


def _limit_memory(memory_limit_mb: int) -> None:
    """RLIMIT_AS caps what the worker may map beyond its start-up size (interpreter, trafilatura, numpy's reserved
    address space) on Linux, so the cap is the page's budget whatever the imports; macOS ignores it, the time
    limit still applies."""
    try:
        import resource

        limit = _address_space_bytes() + memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _address_space_bytes() -> int:
    """This process's mapped address space now (Linux /proc); 0 where that file does not exist."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _failed(page: PageToExtract, error: str) -> ExtractedPage:
    return ExtractedPage(
        text="",
        title=page.feed_title or None,
        author=None,
        published_at=None,
        site_name=None,
        language=None,
        canonical_url=None,
        method="failed",
        quality="failed",
        error=error,
    )
