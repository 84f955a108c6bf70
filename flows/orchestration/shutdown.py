"""Whether this process's `serve` is shutting down, for the flow's hooks that run in it.

When serve stops, the Runner ends a run in progress; a run that had not yet reached its own code is reported to
the hooks as crashed. During a shutdown that is a cancellation the person asked for, not a failure to announce.
A module of its own because the Runner loads the flow module afresh from its file, while this one is imported
once per process.
"""

from __future__ import annotations

import threading

STOPPING = threading.Event()
