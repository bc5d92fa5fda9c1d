"""Running the Oxigraph SPARQL server on a built store.

The server is the ``oxigraph`` program of the PyPI package ``oxigraph`` (the same engine,
and the same store format, as the pyoxigraph library the build uses). This module finds
the program, builds its command line, checks that the port is free, starts it, waits until
it listens, and stops it cleanly when this process is asked to stop. It knows nothing of
the terminal: failures raise :class:`~reformgraph.errors.ServerError`.

Read-only is the default (``oxigraph serve-read-only``): it takes no lock, so queries from
``reformgraph query`` (which open the store read-only too) may run beside it. A writable
server (``oxigraph serve``) locks the store; nothing else may then open it for writing.
Neither may run while ``reformgraph build`` rewrites the store.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import quote

from reformgraph.errors import PortInUse, ServerError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "RunningServer",
    "base_url",
    "check_port",
    "find_binary",
    "is_loopback",
    "query_link",
    "server_command",
    "start_server",
]

#: Loopback only, unless asked otherwise.
DEFAULT_HOST = "127.0.0.1"
#: Oxigraph's own default port.
DEFAULT_PORT = 7878

_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def find_binary() -> Path:
    """The ``oxigraph`` program: the one installed beside this Python, else on ``PATH``."""
    names = ("oxigraph.exe", "oxigraph") if os.name == "nt" else ("oxigraph",)
    folders = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    for folder in folders:
        for name in names:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    found = shutil.which("oxigraph")
    if found is not None:
        return Path(found)
    raise ServerError(
        "the oxigraph program is missing: install the SPARQL server with `pip install oxigraph`"
    )


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def server_command(
    binary: Path,
    store: Path,
    host: str,
    port: int,
    *,
    writable: bool,
    timeout: float | None = None,
) -> list[str]:
    """The command line that serves ``store``; queries see the data and the ontology in
    the default graph, as ``reformgraph query`` does (for a store built when the ontology
    was in its named graph only, the union of every graph is the default graph).
    ``timeout``: the seconds a query may run before the server stops it (none: no limit)."""
    command = [
        str(binary),
        "serve" if writable else "serve-read-only",
        "--location",
        str(store),
        "--bind",
        _bind(host, port),
    ]
    if timeout is not None:
        command += ["--timeout-s", f"{timeout:g}"]
    if not _ontology_in_default_graph(store):
        command.append("--union-default-graph")
    return command


def _ontology_in_default_graph(store: Path) -> bool:
    from reformgraph.engine import ontology_in_default_graph, open_store

    try:
        opened = open_store(store)
    except FileNotFoundError:  # no store there (yet): the server will say so
        return False
    found = ontology_in_default_graph(opened)
    del opened  # closed before the server opens it
    return found


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(a.startswith("127.") or a == "::1" for a in addresses)


def base_url(host: str, port: int) -> str:
    """The server's URL as a browser on this machine opens it (``0.0.0.0`` → loopback)."""
    shown = _WILDCARDS.get(host, host)
    return f"http://{_bind(shown, port)}"


def query_link(base: str, text: str) -> str:
    """A link that opens the server's query page with a query in its editor, to run (and
    change) there: Yasgui, the page, takes ``query`` and ``endpoint`` from its URL. A link
    to the endpoint itself (``/query?query=…``) showed a browser the raw SPARQL results
    (XML). The endpoint is given: the page would otherwise take it from its own URL, this
    one included.

    The query's leading comment block (its documentation header) is left out to keep the
    link short; the query itself is unchanged.
    """
    lines = text.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        lines.pop(0)
    query = quote(chr(10).join(lines).strip(), safe="")
    return f"{base}/?query={query}&endpoint={quote(base + '/query', safe='')}"


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[str, int]]:
    """The first address ``host`` resolves to (the one a server binds first)."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ServerError(f"cannot listen on {host!r}: {exc.strerror or exc}") from None
    family, _type, _proto, _name, sockaddr = infos[0]
    return family, (str(sockaddr[0]), int(sockaddr[1]))


def check_port(host: str, port: int) -> None:
    """Raise :class:`PortInUse` when ``host:port`` cannot be listened on right now."""
    family, address = _address(host, port)
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":
            # As the server does: a port with connections still closing is free to use.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            raise PortInUse(
                f"not allowed to listen on {_bind(host, port)} (ports below 1024 need"
                " privileges): choose another port with --port"
            ) from None
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                # `--host 10.255.255.1` was reported as "already in use"
                raise ServerError(
                    f"cannot listen on {host!r}: {exc.strerror or exc} (it is no address of"
                    " this machine; --host 0.0.0.0 listens on every one of its addresses)"
                ) from None
            raise PortInUse(
                f"{_bind(host, port)} is already in use ({exc.strerror or exc}):"
                " stop what is listening there or choose another port with --port"
            ) from None


def _trim(log: str, limit: int = 20) -> str:
    """The server's own words, without the Rust back-trace."""
    text = log.split("\n\nStack backtrace:", 1)[0].strip()
    lines = text.splitlines()
    return "\n".join(lines[-limit:])


def _with_output(message: str, said: str) -> str:
    return f"{message}:\n{said}" if said else message


class RunningServer:
    """A started server process; its output goes to a temporary file, read on failure."""

    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes], host: str, port: int):
        self.process = process
        self.host = host
        self.port = port
        self._log = log

    @property
    def url(self) -> str:
        return base_url(self.host, self.port)

    def output(self) -> str:
        """What the server has written so far (its start-up line, its errors)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def _failure(self, what: str) -> ServerError:
        said = _trim(self.output())
        address = _bind(self.host, self.port)
        if "Address already in use" in said or "address already in use" in said:
            return PortInUse(
                f"{address} is already in use: stop what is listening there or choose"
                " another port with --port"
            )
        return ServerError(_with_output(f"{what} (exit code {self.process.returncode})", said))

    def wait_until_ready(self, timeout: float = 20.0) -> None:
        """Return once the server accepts connections; raise if it exits or stays silent."""
        probe_host = _WILDCARDS.get(self.host, self.host)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise self._failure("the Oxigraph server stopped while starting")
            try:
                with socket.create_connection((probe_host, self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    _with_output(
                        f"the Oxigraph server did not listen on {_bind(self.host, self.port)}"
                        f" within {timeout:g} s",
                        _trim(self.output()),
                    )
                )
            time.sleep(0.05)

    def stop(self, grace: float = 10.0) -> int:
        """Ask the server to stop (SIGTERM); kill it if it has not stopped after ``grace``."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def run_until_stopped(self, grace: float = 10.0) -> None:
        """Wait while the server runs. SIGINT (Ctrl-C) and SIGTERM sent to this process are
        passed on to the server as SIGTERM, and this returns once it has stopped.

        Raises :class:`ServerError` when the server stops on its own (it crashed).
        """
        stop_asked = threading.Event()

        def forward(signum: int, frame: FrameType | None) -> None:
            stop_asked.set()
            if self.process.poll() is None:
                self.process.terminate()

        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {}
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread:
            previous = {sig: signal.signal(sig, forward) for sig in handled}
        try:
            asked_at: float | None = None
            while self.process.poll() is None:
                try:
                    self.process.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    pass
                if stop_asked.is_set():
                    asked_at = asked_at or time.monotonic()
                    if time.monotonic() - asked_at > grace and self.process.poll() is None:
                        self.process.kill()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        # Ctrl-C on a terminal also reaches the server itself, which may stop first.
        stopped_by_signal = self.process.returncode in (-signal.SIGINT, -signal.SIGTERM)
        if not stop_asked.is_set() and not stopped_by_signal:
            raise self._failure("the Oxigraph server stopped unexpectedly")

    def close(self) -> None:
        self.stop()
        self._log.close()


def _end_with_parent() -> None:
    """In the server's process, before it runs: end it (SIGTERM, which it handles as a
    Ctrl-C) when the process that started it ends, however that ends (``kill -9``): else
    it goes on serving the store and holding the port, and the next ``serve`` on that port
    finds it taken by a process the user never started. (Linux only.)"""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: nothing to do
        return


@contextmanager
def start_server(
    command: list[str], host: str, port: int, env: Mapping[str, str] | None = None
) -> Iterator[RunningServer]:
    """Start the server and wait until it listens; stop it (and clean up) on leaving."""
    environment = dict(os.environ if env is None else env)
    # The server's errors are shown to users: its own words, without a Rust back-trace.
    environment.update(RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0")
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            preexec_fn=_end_with_parent if sys.platform.startswith("linux") else None,
        )
    except OSError as exc:
        log.close()
        raise ServerError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    running = RunningServer(process, log, host, port)
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.close()
