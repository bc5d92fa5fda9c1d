"""Typed errors. Library code raises these; only the command line turns them into exit codes."""

from __future__ import annotations

from reformgraph._record import OrderedRecord

TYPE_CHECKING = False  # not typing's: a query on the command line imports this module
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "AuthenticationFailed",
    "BuildChangedWarning",
    "BuiltByAnotherVersion",
    "DataError",
    "DataErrors",
    "EndpointRefused",
    "EndpointTimeout",
    "EndpointUnreachable",
    "GraphClosedError",
    "InterruptedAfterPublishing",
    "LargeViewWarning",
    "NoBuildError",
    "NoCasesError",
    "NoProjectError",
    "OutputFolderError",
    "PortInUse",
    "PublishError",
    "PushInterrupted",
    "QueryError",
    "ReadOnlyGraphError",
    "ReformgraphError",
    "RemoteError",
    "RemoteUsageError",
    "ServerError",
    "TooManyPairs",
    "ToolError",
    "UnguardedScriptError",
    "UnknownCaseError",
    "UnknownNodeError",
    "ValidationFailed",
    "WorkerDied",
]


def user_stacklevel(libraries: tuple[str, ...] = ("reformgraph", "rdflib", "oxrdflib")) -> int:
    """The ``stacklevel`` of :func:`warnings.warn` that names the user's line: the first
    caller, from the function that warns, that is not in ``libraries`` (a warning pointed
    at ``storegraph.py:145`` and its comment, in the middle of our code)."""
    import sys

    frame = sys._getframe(1)  # the function that warns: stacklevel 1
    level = 1
    while frame is not None:
        if frame.f_globals.get("__name__", "").partition(".")[0] not in libraries:
            return level
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def require_progress(progress: object) -> None:
    """``progress``: a function called as (step, done, total), or None (``True`` failed
    inside, much later, as "'bool' object is not callable")."""
    if progress is not None and not callable(progress):
        raise TypeError(
            f"progress: a function called as progress(step, done, total), or None; not {progress!r}"
        )


class ReformgraphError(Exception):
    """Base of every error reformgraph reports to its user.

    IPython and Jupyter show one as its message alone, which names the file, the place in
    it and what is wrong, or says where it looked and what to do, without a traceback
    through reformgraph's code: IPython calls ``_render_traceback_``, when an exception has
    one, for the lines to show. A programming error (a ``TypeError`` …) keeps its traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return f"{type(self).__name__}: {self}".splitlines()


class DataError(OrderedRecord):
    """One problem in one input file: where it is and what is wrong.

    A frozen, ordered value, as ``@dataclass(frozen=True, order=True)`` would give (see
    :mod:`reformgraph._record`: this module stays light to import).
    """

    file: str
    line: int | None
    path: str
    message: str

    def __init__(self, file: str, line: int | None, path: str, message: str) -> None:
        self._fill(file, line, path, message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.path.startswith("["):  # an item of a file's top list: not "[[9].id]"
            where += f" {self.path}"
        elif self.path:
            where += f" [{self.path}]"
        return f"{where}: {self.message}"


def yaml_path(parts: Iterable[str | int]) -> str:
    """A readable YAML path: ``measures[2].figures[0].value``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class DataErrors(ReformgraphError):
    """Every problem found in a data folder, reported together."""

    def __init__(self, errors: Sequence[DataError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.path, e.message))
        super().__init__(f"{len(self.errors)} error(s) in the data")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ValidationFailed(ReformgraphError):
    """The built graph does not conform to the SHACL shapes."""

    def __init__(self, report: str, violations: int) -> None:
        self.report = report
        self.violations = violations
        super().__init__(f"the graph does not conform to the shapes ({violations} violation(s))")


class NoProjectError(ReformgraphError):
    """No data folder was given and none was found above the working directory."""


class NoBuildError(ReformgraphError):
    """A command needs a built graph and there is none."""


class OutputFolderError(NoBuildError):
    """The folder given for a build's output cannot take one: it is a file, a data folder
    or inside one, or holds a store, a cache or an output name that no build made. Checked
    before any work; nothing is written. (A :class:`NoBuildError`, as it was raised before
    it had a name of its own.)"""


class ToolError(ReformgraphError):
    """A program reformgraph runs (Chromium, for a PNG) is missing or failed."""


class BuiltByAnotherVersion(NoBuildError):
    """The build was made by a reformgraph with another data model (ontology and shapes)
    than the one installed, or by one that did not record its model: what a query finds
    there may not be what this version's queries look for. Build again. (A record of the
    build that is there but damaged, empty or without its model is a plain
    :class:`NoBuildError` naming the file, not taken for an earlier version's.)"""


class GraphClosedError(ReformgraphError):
    """The graph of a build was closed (``Graph.close``, or the end of its ``with`` block)
    and then used."""


class ReadOnlyGraphError(ReformgraphError):
    """Something tried to change the graph of a build, which is read-only: the data folder
    is what is edited, and the build made again."""


class PublishError(ReformgraphError):
    """A finished build could not be put in place of the last one (which is kept)."""


class InterruptedAfterPublishing(KeyboardInterrupt):
    """Ctrl-C or ``kill`` came while a build was being put in place: it was finished first,
    so the new build is in place (``folder``)."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = folder


class QueryError(ReformgraphError):
    """A query could not be parsed, found or run."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(message)


class TooManyPairs(ReformgraphError):
    """More pairs of cases share an entity than the limit set: the case–case network (or the
    list of links) would not fit in memory. ``max_cases`` is the largest ``max_cases`` that
    keeps the pairs within the limit (at most its number of pairs; None if none does)."""

    def __init__(self, limit: int, max_cases: int | None) -> None:
        self.limit = limit
        self.max_cases = max_cases
        advice = (
            f"; leaving out the entities more than {max_cases} cases name keeps them within it"
            if max_cases is not None
            else ""
        )
        super().__init__(f"more than {limit:,} pairs of cases share an entity{advice}")


class NoCasesError(ReformgraphError):
    """The graph holds no reform case: there is no network to make (an empty file, or
    RDF that is not reformgraph's)."""


class UnguardedScriptError(ReformgraphError, RuntimeError):
    """A build started from a script that each of its worker processes runs again as it
    starts (the script lacks the ``if __name__ == "__main__":`` guard)."""


class WorkerDied(ReformgraphError):
    """A worker process of a build ended abruptly (killed, out of memory, or stopped as
    it started: :class:`UnguardedScriptError`)."""


class UnknownCaseError(ReformgraphError, KeyError):
    """No case of the graph has the id or IRI asked for (a KeyError, as a lookup that
    found nothing; its message is plain text)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownNodeError(ReformgraphError, KeyError):
    """No entity or case of the graph has the id asked for (a KeyError, as a lookup that
    found nothing; its message is plain text, with the ids it is like)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def closest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The choices ``word`` is most like (a misspelt id, name or option), best first: how
    every "did you mean" of reformgraph is found."""
    import difflib

    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=cutoff)


class RemoteUsageError(ReformgraphError):
    """The options of a remote command are wrong (a URL that is not http(s), a bad graph IRI,
    a chunked push without an update endpoint); found before anything is sent."""


class RemoteError(ReformgraphError):
    """A SPARQL or Graph Store endpoint failed: unreachable, too slow, or it refused a request.

    Messages never hold credentials: URLs are shown without their user information.
    ``may_have_taken_effect`` is false when the request certainly changed nothing (it was
    never sent, or the server answered that it refused it).
    """

    def __init__(self, message: str, *, may_have_taken_effect: bool = True) -> None:
        self.may_have_taken_effect = may_have_taken_effect
        super().__init__(message)

    def add_detail(self, detail: str) -> None:
        """Append what happened next (a retry count, the clean-up after a failed upload)."""
        self.args = (f"{self.args[0]}; {detail}" if self.args else detail,)


class EndpointUnreachable(RemoteError):
    """No connection could be made (refused, unknown host, network down)."""


class EndpointTimeout(RemoteError):
    """The endpoint did not answer within the timeout."""


class EndpointRefused(RemoteError):
    """The endpoint answered with an HTTP error status (4xx or 5xx)."""

    def __init__(self, message: str, *, status: int, excerpt: str = "") -> None:
        self.status = status
        self.excerpt = excerpt
        super().__init__(message, may_have_taken_effect=False)


class AuthenticationFailed(EndpointRefused):
    """The endpoint refused the credentials (401, 403 or 407)."""


class PushInterrupted(RemoteError):
    """The user stopped a push (Ctrl-C); the message says what became of the graphs."""


class ServerError(ReformgraphError):
    """The SPARQL server could not be found, started or kept running."""


class PortInUse(ServerError):
    """The host and port the server should listen on are taken."""


class BuildChangedWarning(UserWarning):
    """A graph opened on a build folder is used after another build was put in place
    there: it still answers from the build it opened."""


class LargeViewWarning(UserWarning):
    """A graph page holds more nodes than a browser draws smoothly (it is written anyway).

    Its text names the Python parameters that show less (``max_cases=96``);
    ``command_line`` says the same with the command's options (``--max-cases 96``)."""

    def __init__(self, message: str, command_line: str | None = None) -> None:
        super().__init__(message)
        self.command_line = command_line or message
