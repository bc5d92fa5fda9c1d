"""Standard output that its reader may close early, as ``reformgraph query … | head`` does.

Shared by the console script's fast path (:mod:`reformgraph.entry`) and the full command
line (:mod:`reformgraph.cli`); it imports nothing but ``os`` and ``sys``.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "CLOSED_PIPE_EXIT",
    "INTERRUPTED_EXIT",
    "QUERY_INTERRUPTED",
    "discard_stdout",
    "write_whole",
]

#: The exit code of a command whose reader went away: the code a shell gives a program
#: that SIGPIPE stopped (128 + 13), as ``yes | head`` reports for ``yes``.
CLOSED_PIPE_EXIT = 141

#: The exit code of a command stopped by Ctrl-C (128 + SIGINT's 2), and what a query says.
INTERRUPTED_EXIT = 130
QUERY_INTERRUPTED = "interrupted: the query was stopped"


def discard_stdout() -> None:
    """Send whatever is left for standard output to /dev/null. The reader has gone;
    without this, Python's flush of ``sys.stdout`` at exit fails a second time and
    prints an "Exception ignored" message."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's captured output)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def write_whole(data: bytes) -> None:
    """Write ``data`` to standard output, all of it, and flush. One large write to a pipe
    whose reader has gone returns short, without an error (Linux writes what the pipe
    holds, 64 kB): the loop's next write raises BrokenPipeError, as the caller expects."""
    sys.stdout.flush()
    out = sys.stdout.buffer
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise BrokenPipeError(32, "Broken pipe")
        view = view[written:]
    out.flush()
