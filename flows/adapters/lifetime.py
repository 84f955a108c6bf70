"""Child processes that die with their parent, so a `kill -9` of presswatch leaves nothing running.

Linux's PR_SET_PDEATHSIG asks the kernel to send the child SIGKILL when the thread that started it exits; a child
whose parent is already gone by the time it asks exits at once. Elsewhere this is a no-op, and children fall back
on noticing their closed pipes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For `subprocess.Popen(preexec_fn=...)`: runs in the child between fork and exec."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
