"""Process-level protections for a program that holds biometrics in memory.

A core dump of this process would be a file full of fingerprints and faces, so the process refuses
to dump core at all: the core-size limit goes to zero, and on Linux the process is made non-dumpable
(which also keeps other processes of the same user from reading its memory through ptrace).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def forbid_core_dumps() -> None:
    try:
        import resource
    except ImportError:  # Windows: no core files; crash dumps are a system policy
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def core_dumps_forbidden() -> bool:
    try:
        import resource
    except ImportError:
        return True
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if (soft, hard) != (0, 0):
        return False
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        return int(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) == 0
    return True
