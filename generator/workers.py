"""Worker processes for the parallel stages (parsing, rendering, awards).

Forked, so that they inherit the model instead of receiving pickled copies. On Linux each worker
asks the kernel to kill it when its parent dies: a build killed with SIGKILL must not leave
orphans writing into a temporary folder that the next build has already cleaned up.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import signal

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:  # the process's own symbols, libc's among them (find_library would run ldconfig)
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError, TypeError):  # not Linux: orphans finish their slice and exit
        pass


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def pool(processes: int) -> multiprocessing.pool.Pool:
    return multiprocessing.get_context("fork").Pool(processes, initializer=_die_with_parent)
