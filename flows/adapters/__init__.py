"""The adapters room: presswatch's edges with the outside world, each behind a small interface the stages call.

`http` is the guarded HTTP client (origins, addresses, sizes, robots.txt, Retry-After); `fetching` reads feeds and
pages through it; `extraction` runs trafilatura in worker processes with time and memory limits; `delivery` posts
messages to chat channels; `lock` keeps one run per warehouse; `demo` serves the demo newsroom on loopback;
`discovery` probes an outlet's address for feeds; `lifetime` makes child processes die with their parent.
Adapters import nothing above them (no stage, runner, interface or Prefect: tests/test_architecture.py checks).
"""
