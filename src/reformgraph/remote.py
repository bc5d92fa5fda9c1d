"""Remote SPARQL services: uploads (Graph Store Protocol) and queries (SPARQL Protocol).

:func:`push_graph` uploads an N-Triples file to any SPARQL 1.1 Graph Store HTTP Protocol
endpoint (Oxigraph ``/store``, Fuseki ``/DATASET/data``, GraphDB, Virtuoso, Neptune), into
the server's default graph (``?default``) or a named graph (``?graph=IRI``):

- A graph of at most ``chunk_triples`` triples goes in one PUT, which replaces the target
  graph; the server swaps it in one request, so the target is never half-replaced.
- A larger graph goes in chunks into a fresh *staging* graph ``urn:reformgraph:staging:UUID``
  and is then swapped in with one SPARQL 1.1 Update, ``MOVE GRAPH <staging> TO …``, sent
  to the update endpoint (required, and checked before anything is uploaded). If anything
  fails before the swap, the staging graph is dropped (best effort) and the target is
  never touched.

:func:`query_endpoint` runs a query on any SPARQL 1.1 Protocol endpoint and returns the
same :class:`~reformgraph.queries.QueryResult`, with pyoxigraph terms, as a local query,
so that every output format prints it identically; :func:`stream_endpoint` gives a
SELECT's rows as the endpoint sends them (parsed while read, in little memory).

Requests are repeated, with exponential back-off, only where repeating is safe (see
:class:`RetryPolicy` and :func:`push_graph`). Credentials go in Basic or Digest
authentication and are never part of a message: URLs are shown without user information
and the password is blanked out of anything a server sends back. No terminal code here:
failures raise :class:`~reformgraph.errors.RemoteError` (the service failed) or
:class:`~reformgraph.errors.RemoteUsageError` (the options are wrong; nothing was sent).
"""

from __future__ import annotations

import base64
import io
import re
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

import httpx

from reformgraph.engine import EngineStream
from reformgraph.errors import (
    AuthenticationFailed,
    EndpointRefused,
    EndpointTimeout,
    EndpointUnreachable,
    PushInterrupted,
    QueryError,
    RemoteError,
    RemoteUsageError,
)
from reformgraph.queries import (
    CASE_IDS,
    QueryResult,
    SavedQuery,
    Term,
    case_checks,
    names_its_graphs,
    no_such_case,
    placed_line_error,
    prepare,
    unknown_prefix_error,
    with_prefixes,
    with_values,
    with_values_for_endpoint,
)

__all__ = [
    "AUTH_SCHEMES",
    "STAGING_PREFIX",
    "Credentials",
    "PushResult",
    "RetryPolicy",
    "check_endpoint",
    "check_graph_iri",
    "graph_url",
    "ontology_ntriples",
    "push_graph",
    "query_endpoint",
    "redact",
    "sends_password_in_clear",
    "stream_endpoint",
    "with_values",
    "with_values_for_endpoint",
]

NTRIPLES = "application/n-triples"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
SPARQL_JSON = "application/sparql-results+json"
#: What a query asks for: results as JSON (SELECT, ASK), triples as N-Triples or Turtle.
QUERY_ACCEPT = (
    f"{SPARQL_JSON}, application/sparql-results+xml;q=0.9, {NTRIPLES};q=0.9, text/turtle;q=0.8"
)

#: Every staging graph is a fresh IRI under this prefix: it can never be a user's graph.
STAGING_PREFIX = "urn:reformgraph:staging:"
AUTH_SCHEMES = ("basic", "digest")
#: Statuses that say "try again later"; repeated only for requests that are safe to repeat.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
EXCERPT = 300

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
#: A line of N-Triples or N-Quads (an empty graph in RDF/XML, Turtle or JSON-LD is none).
_TRIPLE_LINE = re.compile(rb"^[ \t]*(?:<[^<>\s]*>|_:\S+)[ \t]+<[^<>\s]*>[ \t]+\S", re.MULTILINE)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Credentials:
    """A user name and password, sent with Basic or Digest authentication.

    The password is left out of ``repr`` so that it cannot reach a log or a traceback.
    """

    user: str
    password: str = field(repr=False)
    scheme: str = "basic"

    def __post_init__(self) -> None:
        if self.scheme not in AUTH_SCHEMES:
            raise RemoteUsageError(
                f"--auth {self.scheme!r}: unknown scheme (use {' or '.join(AUTH_SCHEMES)})"
            )

    def auth(self) -> httpx.Auth:
        if self.scheme == "digest":
            return httpx.DigestAuth(self.user, self.password)
        return httpx.BasicAuth(self.user, self.password)


@dataclass(frozen=True)
class RetryPolicy:
    """How a request that is safe to repeat is repeated after a transient failure.

    A request is tried ``1 + retries`` times at most; before the n-th repetition it waits
    ``backoff * 2 ** (n - 1)`` seconds (at most ``max_backoff``). Transient failures are:
    no connection (the request was never sent, so any request may be repeated), a timeout
    or a connection broken mid-way, and the statuses of :data:`RETRY_STATUSES` (the
    request may have taken effect: repeated only when doing it twice equals doing it once).
    """

    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0

    def delay(self, repetition: int) -> float:
        return float(min(self.backoff * 2 ** (repetition - 1), self.max_backoff))


def sends_password_in_clear(url: str, credentials: Credentials | None) -> bool:
    """Whether Basic credentials would cross a network unencrypted (http to another host)."""
    if credentials is None or credentials.scheme != "basic":
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL (a [ with no ]): said so when it is checked
        return False
    host = parts.hostname or ""
    loopback = host == "localhost" or host.startswith("127.") or host == "::1"
    return parts.scheme.lower() == "http" and not loopback


def redact(url: str) -> str:
    """``url`` without user information (``https://user:secret@host/`` → ``https://host/``),
    also where it is no valid URL (``http://user:secret@host:port/``)."""
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host + (f":{parts.port}" if parts.port is not None else "")
    except ValueError:  # a port that is no number, a [ with no ]: cut what precedes an @
        return re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1", url.strip())
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_endpoint(
    url: str, option: str, example: str = "http://localhost:7878/store"
) -> tuple[str, Credentials | None]:
    """An endpoint URL, checked (http or https, with a host); user information in the URL
    is taken out of it and returned as Basic credentials. ``example``: a URL of the kind
    the option takes, for the message (Oxigraph's)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise RemoteUsageError(f"{option} {redact(url)!r} is not a URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RemoteUsageError(f"{option} {redact(url)!r} is not an http(s) URL (e.g. {example})")
    if any(char.isspace() for char in url.strip()):
        raise RemoteUsageError(
            f"{option} {redact(url)!r} is not a URL: it holds a space (write %20 for one in a path)"
        )
    credentials = None
    if parts.username is not None:
        credentials = Credentials(unquote(parts.username), unquote(parts.password or ""))
    host = parts.hostname
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port is not None else "")
    clean = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    return clean.rstrip("?&"), credentials


def check_graph_iri(iri: str, option: str = "--named-graph") -> str:
    """A graph name: an absolute IRI, with no characters that IRIs may not hold."""
    text = iri.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if not _IRI.match(text):
        raise RemoteUsageError(
            f"{option} {iri!r} is not an absolute IRI (e.g. https://example.org/graph/reform)"
        )
    return text


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a graph: ``?default`` or ``?graph=IRI`` (encoded)."""
    separator = "&" if urlsplit(endpoint).query else "?"
    target = "default" if graph is None else "graph=" + quote(graph, safe="")
    return f"{endpoint}{separator}{target}"


#: What each kind of endpoint is, and where common servers have it: said when an endpoint
#: answers that it does not take the request (404, 405, 415), the mark of another service.
SERVICES = {
    "store": (
        "the Graph Store endpoint",
        "Oxigraph: http://HOST:PORT/store, Fuseki: http://HOST:PORT/DATASET/data, GraphDB:"
        " http://HOST:PORT/repositories/ID/rdf-graphs/service",
    ),
    "query": (
        "the SPARQL query endpoint",
        "Oxigraph: http://HOST:PORT/query, Fuseki: http://HOST:PORT/DATASET/sparql, GraphDB:"
        " http://HOST:PORT/repositories/ID",
    ),
    "update": (
        "the SPARQL Update endpoint",
        "Oxigraph: http://HOST:PORT/update, Fuseki: http://HOST:PORT/DATASET/update, GraphDB:"
        " http://HOST:PORT/repositories/ID/statements",
    ),
}
_NOT_THIS_SERVICE = frozenset({404, 405, 415})


def _hint_service(error: RemoteError, url: str, service: str, option: str) -> None:
    """Add to a refusal that says the URL does not take such requests which URL to give."""
    if isinstance(error, EndpointRefused) and error.status in _NOT_THIS_SERVICE:
        what, where = SERVICES[service]
        base = urlsplit(url)._replace(query="", fragment="").geturl()
        error.add_detail(f"check that {option} {redact(base)} is {what} ({where})")


# --------------------------------------------------------------------------- HTTP


def _excerpt(response: httpx.Response, secrets: Sequence[str]) -> str:
    text = " ".join(response.text.split())
    text = text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")
    return _scrub(text, secrets)


#: An Authorization header's credentials, as a server that echoes the request quotes them.
_AUTHORIZATION = re.compile(
    r"\b(Basic)\s+[A-Za-z0-9+/]{4,}={0,2}|\b(Digest)\s+username=[^\r\n]*", re.IGNORECASE
)


def _scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with the password, and any Authorization credentials a server echoed back
    (Basic ``user:password`` in base64, a Digest response), blanked out."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _AUTHORIZATION.sub(_blank_credentials, text)


def _blank_credentials(found: re.Match[str]) -> str:
    if found[2]:  # a Digest response
        return f"{found[2]} ***"
    token = found[0].split()[-1]
    try:
        decoded = base64.b64decode(token, validate=True)
    except ValueError:  # a word, not base64 (Basic authentication required)
        return found[0]
    return f"{found[1]} ***" if b":" in decoded else found[0]


def _retry_after(value: str | None) -> float:
    """The seconds a 429 or 503 answer's ``Retry-After`` asks to wait (at most a minute;
    0 for none, or for a date, which clocks may disagree on)."""
    try:
        return min(max(float(value or 0), 0.0), 60.0)
    except ValueError:
        return 0.0


#: Words of a failed connection's reason, and what to check for each.
_CONNECT_HINTS = (
    (
        ("refused",),
        "is the server running? check the host and port: nothing listens there",
    ),
    (
        ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo"),
        "check the host name: it names no machine",
    ),
)


def _connect_hint(reason: str) -> str:
    """What to check, for a connection that failed with ``reason``, as `` (…)``, or ""."""
    said = reason.lower()
    for words, hint in _CONNECT_HINTS:
        if any(word in said for word in words):
            return f" ({hint})"
    return ""


#: The longest wait for a connection (TCP and TLS) to an endpoint, in seconds.
CONNECT_TIMEOUT = 10.0


class _Session:
    """One HTTP client for one command: authentication, timeout, retries, clean messages."""

    def __init__(
        self,
        credentials: Credentials | None,
        timeout: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from reformgraph import __version__

        self.retry = retry
        self.sleep = sleep
        self.secrets = [credentials.password] if credentials is not None else []
        self.client = httpx.Client(
            auth=credentials.auth() if credentials is not None else None,
            # Connecting (TLS included) is given at most 10 s: an https:// address of a
            # plain http server waits for a handshake that never comes.
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            follow_redirects=True,
            headers={"User-Agent": f"reformgraph/{__version__}"},
        )
        self.requests = 0

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        repeatable: bool,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept_status: Sequence[int] = (),
        retry: RetryPolicy | None = None,
        shown: str | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send a request; return its response if its status is 2xx (or in ``accept_status``).

        ``repeatable``: doing the request twice equals doing it once, so it is repeated
        after a timeout, a broken connection or a retry status. A request that could not
        connect was never sent and is repeated whatever it is. ``stream``: the response
        is returned as soon as its status is known, its body unread; the caller reads it
        and closes it. Only what happens before the body is repeated.
        """
        policy = retry or self.retry
        shown = redact(shown or url)
        attempt = 0
        while True:
            attempt += 1
            error: RemoteError
            retry_after = 0.0
            try:
                self.requests += 1
                request = self.client.build_request(
                    method, url, content=content, headers=headers, params=list(params) or None
                )
                response = self.client.send(request, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                reason = _scrub(str(exc) or type(exc).__name__, self.secrets)
                tls = url.startswith("https:") and any(
                    word in reason.lower() for word in ("ssl", "handshake", "tls")
                )
                hint = " (is it a plain http server? then give its http:// address)" if tls else ""
                if not tls:
                    hint = _connect_hint(reason)
                error = EndpointUnreachable(
                    f"{what}: cannot connect to {shown} ({reason}){hint}",
                    may_have_taken_effect=False,
                )
                # A handshake that failed fails again: said at once, not after minutes.
                again = not tls
            except httpx.TimeoutException:
                error = EndpointTimeout(
                    f"{what}: {shown} did not answer within {self._timeout():g} s"
                    " (a longer --timeout may help)"
                )
                again = repeatable
            except httpx.TransportError as exc:
                reason = _scrub(str(exc) or type(exc).__name__, self.secrets)
                error = EndpointUnreachable(f"{what}: the connection to {shown} broke ({reason})")
                again = repeatable
            else:
                status = response.status_code
                refused = status in (401, 407)  # whatever else is accepted
                if not refused and (200 <= status < 300 or status in accept_status):
                    return response
                if stream:
                    try:
                        response.read()
                    except httpx.HTTPError:
                        pass  # the status says enough
                    finally:
                        response.close()
                excerpt = _excerpt(response, self.secrets)
                message = f"{what}: {shown} answered {status} {response.reason_phrase}".rstrip()
                if excerpt:
                    message += f": {excerpt}"
                if refused:
                    hint = (
                        " (check --user, --password and --auth)"
                        if self.client.auth is not None
                        else " (it asks for a login: give --user NAME, and the password in"
                        " REFORMGRAPH_PASSWORD)"
                    )
                    raise AuthenticationFailed(
                        message + hint,
                        status=status,
                        excerpt=excerpt,
                    )
                error = EndpointRefused(message, status=status, excerpt=excerpt)
                again = repeatable and status in RETRY_STATUSES
                retry_after = _retry_after(response.headers.get("retry-after"))
            if not again or attempt > policy.retries:
                if attempt > 1:
                    error.add_detail(f"after {attempt} attempts")
                raise error
            self.sleep(max(policy.delay(attempt), retry_after))

    def _timeout(self) -> float:
        return self.client.timeout.read or 0.0

    def update(self, endpoint: str, text: str, *, what: str, repeatable: bool) -> None:
        """Run one SPARQL 1.1 Update (POST ``application/sparql-update``)."""
        self.send(
            "POST",
            endpoint,
            what=what,
            repeatable=repeatable,
            content=text.encode("utf-8"),
            headers={"Content-Type": SPARQL_UPDATE},
        )


# --------------------------------------------------------------------------- push


@dataclass(frozen=True)
class PushResult:
    """What a push did."""

    triples: int
    requests: int
    chunks: int
    target: str
    endpoint: str
    staging: str | None = None


def ontology_ntriples(path: Path) -> bytes:
    """A Turtle file as N-Triples, its blank nodes renamed to fresh random labels (so that
    they can never merge with blank nodes of the data they travel with)."""
    import pyoxigraph as ox

    triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _lines(data: Iterator[bytes] | Sequence[bytes]) -> Iterator[bytes]:
    """The triple lines of N-Triples (one triple per line), without blanks and comments."""
    for raw in data:
        line = raw.strip()
        if line and not line.startswith(b"#"):
            yield line + b"\n"


def _has_blank_node(line: bytes, source: Path) -> bool:
    if b"_:" not in line:
        return False
    import pyoxigraph as ox

    try:
        triples = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise RemoteUsageError(f"{source}: not N-Triples: {exc}") from None
    return any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    )


def _check_ntriples(source: Path) -> None:
    """Refuse, before anything is sent, a file that is not N-Triples throughout (damaged
    or edited since the build): the server would take part of it, or refuse it naming a
    line of the upload (the ontology goes first), not of the file. Read by Oxigraph's
    parser, as the build's store was loaded: under a second per 100 MB."""
    import pyoxigraph as ox

    try:
        for _ in ox.parse(path=source, format=ox.RdfFormat.N_TRIPLES):
            pass
    except (SyntaxError, ValueError) as exc:
        said = re.sub(rf" \({re.escape(source.name)}, line \d+\)$", "", str(exc).rstrip())
        raise RemoteUsageError(
            f"{source}: cannot be read as N-Triples: {said}; nothing was sent (build again)"
        ) from None


def _scan(source: Path) -> tuple[int, list[bytes]]:
    """How many triples ``source`` holds, and its triples that have a blank node."""
    count = 0
    blank: list[bytes] = []
    with source.open("rb") as handle:
        for line in _lines(handle):
            count += 1
            if _has_blank_node(line, source):
                blank.append(line)
    return count, blank


def _chunks(source: Path, first: int, size: int) -> Iterator[list[bytes]]:
    """The ground triples of ``source`` (those without blank nodes): at most ``first`` of
    them in the first chunk (which is always yielded, even empty), ``size`` in the others."""
    chunk: list[bytes] = []
    limit = first
    yielded = False
    if limit <= 0:
        yield []
        yielded, limit = True, size
    with source.open("rb") as handle:
        for line in _lines(handle):
            if _has_blank_node(line, source):
                continue
            chunk.append(line)
            if len(chunk) >= limit:
                yield chunk
                chunk, limit, yielded = [], size, True
    if chunk or not yielded:
        yield chunk


def _target_name(graph: str | None) -> str:
    return "the default graph" if graph is None else f"<{graph}>"


def push_graph(
    source: Path,
    endpoint: str,
    *,
    named_graph: str | None = None,
    update_endpoint: str | None = None,
    extra: bytes = b"",
    credentials: Credentials | None = None,
    chunk_triples: int = 100_000,
    timeout: float = 120.0,
    retry: RetryPolicy | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PushResult:
    """Upload the N-Triples file ``source`` (and ``extra`` N-Triples, e.g. the ontology)
    to a Graph Store endpoint, replacing the target graph.

    Before any upload, a GET of a graph that does not exist checks that the
    endpoint answers and takes the credentials (and fetches a Digest challenge, so that
    no large body is sent twice), and, for a chunked push, a no-op update (``DROP SILENT``
    of the not yet created staging graph) checks the update endpoint the same way.

    Which requests are repeated after a transient failure, and why that is safe:

    - the one PUT of a small graph: PUT replaces the graph, so twice is the same as once;
    - the first chunk of a large graph is also a PUT, into the fresh staging graph; it
      carries ``extra`` and every triple that has a blank node, since blank nodes are
      scoped to one request body and could not be repeated (or split) otherwise;
    - the other chunks are POSTs of ground triples (no blank nodes). A graph is a set:
      adding the same ground triples twice leaves the same graph as adding them once, and
      a POST that failed half-way is completed by sending it again. So they are repeated
      too; nothing else is written into the staging graph, whose name is new;
    - the MOVE is not repeated once it may have reached the server (doing it twice is not
      doing it once: the second would move a graph that no longer exists). When its
      outcome is unknown (a timeout), the staging graph is left in place and the error
      says so; the target then holds either the old or the new graph, never a mix.

    When a step before the MOVE fails, the staging graph is dropped (best effort: SPARQL
    ``DROP SILENT GRAPH``, then a Graph Store DELETE) and the target is left untouched.
    """
    policy = retry or RetryPolicy()
    endpoint, url_credentials = _check_store_endpoint(endpoint)
    credentials = credentials or url_credentials
    if named_graph is not None:
        named_graph = _check_target_graph(named_graph)
    if chunk_triples < 1:
        raise RemoteUsageError(f"--chunk-triples {chunk_triples}: give a positive number")
    if not source.is_file():
        raise RemoteUsageError(f"{source}: no such file")
    report = progress or (lambda stage, done, all_: None)
    try:
        report("checking", 0, 1)
        _check_ntriples(source)
        data_triples, blank = _scan(source)
        report("checking", 1, 1)
    except KeyboardInterrupt:
        raise PushInterrupted(
            f"interrupted while reading {source.name}: nothing was sent;"
            f" {_target_name(named_graph)} is as it was"
        ) from None
    extra_lines = list(_lines(extra.splitlines()))
    total = data_triples + len(extra_lines)
    chunked = total > chunk_triples
    if update_endpoint is not None:  # checked even if the graph goes in one request
        update_endpoint, _ = check_endpoint(
            update_endpoint, "--update-endpoint", "http://localhost:7878/update"
        )
    if chunked:
        if update_endpoint is None:
            raise RemoteUsageError(
                f"the graph has {total} triples, more than --chunk-triples {chunk_triples}: it"
                " goes in chunks into a staging graph, swapped in with SPARQL Update, so give"
                " the update endpoint with --update-endpoint (Oxigraph: http://HOST:PORT/update)"
                " or raise --chunk-triples; nothing was sent"
            )
    target = _target_name(named_graph)
    with _Session(credentials, timeout, policy, sleep) as session:
        _probe_store(session, endpoint, target)
        if not chunked:
            body = b"".join(extra_lines) + source.read_bytes()
            report("uploading", 0, total)
            _put_whole(session, endpoint, named_graph, body)
            report("uploading", total, total)
            return PushResult(total, session.requests, 1, target, redact(endpoint))
        assert update_endpoint is not None
        staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
        try:
            session.update(
                update_endpoint,
                f"DROP SILENT GRAPH <{staging}>",
                what="reaching the update endpoint",
                repeatable=True,
            )
        except EndpointRefused as exc:
            _hint_service(exc, update_endpoint, "update", "--update-endpoint")
            exc.add_detail(f"nothing was sent; {target} is as it was")
            raise
        chunks = _upload_chunks(
            session,
            source,
            (endpoint, update_endpoint),
            staging,
            extra_lines + blank,
            chunk_triples,
            lambda done: report("uploading", done, total),
        )
        _swap(session, update_endpoint, endpoint, staging, named_graph)
        report("uploading", total, total)
        return PushResult(total, session.requests, chunks, target, redact(endpoint), staging)


def _check_store_endpoint(endpoint: str) -> tuple[str, Credentials | None]:
    """A push's ``--endpoint``, checked (see ``check_endpoint``), with the credentials its
    URL holds: a Graph Store endpoint that does not pick a graph itself."""
    endpoint, url_credentials = check_endpoint(endpoint, "--endpoint")
    named = [key for key, _ in parse_qsl(urlsplit(endpoint).query, keep_blank_values=True)]
    if "graph" in named or "default" in named:
        raise RemoteUsageError(
            f"--endpoint {redact(endpoint)}: give the Graph Store endpoint without ?graph= or"
            " ?default: the push names the graph it replaces (--named-graph IRI, or none for"
            " the default graph)"
        )
    return endpoint, url_credentials


def _check_target_graph(named_graph: str) -> str:
    """A push's ``--named-graph``, checked: an absolute IRI, not a staging graph's."""
    named_graph = check_graph_iri(named_graph)
    if named_graph.startswith(STAGING_PREFIX):
        raise RemoteUsageError(
            f"--named-graph <{named_graph}>: {STAGING_PREFIX}\u2026 names the staging graphs of"
            " pushes, which a push or its clean-up drops: give a graph IRI of your own"
        )
    return named_graph


def _probe_store(session: _Session, endpoint: str, target: str) -> None:
    """Check, before anything is sent, that ``endpoint`` answers as a Graph Store that
    picks graphs by ``?graph=`` (and takes the credentials), by a GET of a graph that does
    not exist. GET, not HEAD: some servers (Oxigraph 0.5) send a body with a HEAD answer,
    which breaks the connection for the next request."""
    probe = graph_url(endpoint, f"urn:reformgraph:probe:{uuid.uuid4()}")
    try:
        answer = session.send(
            "GET",
            probe,
            what="reaching the graph store",
            repeatable=True,
            accept_status=range(300, 600),
            shown=endpoint,
            headers={"Accept": f"{NTRIPLES}, application/n-quads;q=0.9, */*;q=0.1"},
            stream=True,  # a server that answers with a whole dataset is not read through
        )
        try:
            start = next(answer.iter_bytes(), b"")
        except httpx.HTTPError:
            start = b""
        finally:
            answer.close()
        # The graph a URL names itself, as a server that says it does not exist calls it.
        itself = f"<{urlsplit(endpoint)._replace(query='').geturl()}>".encode()
        media = answer.headers.get("content-type", "").split(";")[0].strip().lower()
        if answer.is_success and media in ("text/html", "application/xhtml+xml"):
            # A web site's catch-all page: it would answer the upload 200 too, and
            # store nothing.
            raise EndpointRefused(
                f"reaching the graph store: {redact(endpoint)} answered a graph that"
                " does not exist with a web page, as a web site does, not a Graph Store:"
                " check the URL (Oxigraph: http://HOST:PORT/store, Fuseki:"
                " http://HOST:PORT/DATASET/data)",
                status=answer.status_code,
            )
        if (answer.is_success and _TRIPLE_LINE.search(start)) or (
            answer.status_code == 404 and itself in start
        ):
            # Not a graph picked by ?graph=: the URL names a graph itself (Oxigraph's
            # /store/…, "direct graph identification"), which the upload would replace,
            # whatever the target.
            raise EndpointRefused(
                f"reaching the graph store: {redact(endpoint)} answered a graph that"
                " does not exist with content, or named another graph: it does not pick"
                " graphs by ?graph= and ?default (a service of another kind, or a URL"
                " that names a graph itself, as Oxigraph's below /store/ do), so the"
                f" upload would not go into {target}: check that --endpoint"
                f" {redact(endpoint)} is the Graph Store endpoint ("
                + SERVICES["store"][1].replace("/store,", "/store without a / at its end,")
                + ")",
                status=answer.status_code,
            )
    except RemoteError as exc:
        exc.add_detail(f"nothing was sent; {target} is as it was")
        raise
    except KeyboardInterrupt:
        raise PushInterrupted(
            f"interrupted while reaching the graph store: nothing was sent; {target} is as it was"
        ) from None


def _put_whole(session: _Session, endpoint: str, named_graph: str | None, body: bytes) -> None:
    """Replace the target graph by ``body`` with one PUT (repeated after a transient
    failure: twice is the same as once); an error says what the target then holds."""
    target = _target_name(named_graph)
    try:
        session.send(
            "PUT",
            graph_url(endpoint, named_graph),
            what=f"uploading the graph into {target}",
            repeatable=True,
            content=body,
            headers={"Content-Type": NTRIPLES},
        )
    except RemoteError as exc:
        _hint_service(exc, endpoint, "store", "--endpoint")
        if isinstance(exc, EndpointRefused) and exc.status < 500:  # not replaced
            exc.add_detail(f"{target} is as it was")
        elif exc.may_have_taken_effect or isinstance(exc, EndpointRefused):
            exc.add_detail(
                f"{target} holds either its old graph or the new one (one PUT replaces"
                " it at once): push again to be sure it holds the new one"
            )
        else:  # never sent
            exc.add_detail(f"nothing was sent; {target} is as it was")
        raise
    except KeyboardInterrupt:
        raise PushInterrupted(
            f"interrupted while uploading: {target} holds either its old graph or the"
            " new one (one PUT replaces it at once)"
        ) from None


def _upload_chunks(
    session: _Session,
    source: Path,
    endpoints: tuple[str, str],
    staging: str,
    head: list[bytes],
    size: int,
    report: Callable[[int], None],
) -> int:
    """PUT the first chunk (``head`` first) into the staging graph, POST the others."""
    endpoint, update_endpoint = endpoints
    staging_url = graph_url(endpoint, staging)
    sent = 0
    count = 0
    sending = False
    try:
        for count, chunk in enumerate(_chunks(source, max(size - len(head), 0), size), 1):
            lines = head + chunk if count == 1 else chunk
            method = "PUT" if count == 1 else "POST"
            report(sent)
            sending = True
            session.send(
                method,
                staging_url,
                what=f"uploading chunk {count} ({len(lines)} triples, {method}) into"
                f" the staging graph <{staging}>",
                repeatable=True,
                content=b"".join(lines),
                headers={"Content-Type": NTRIPLES},
            )
            sending = False
            sent += len(lines)
    except RemoteError as exc:
        if count <= 1:
            _hint_service(exc, endpoint, "store", "--endpoint")
        # A chunk given up on (a timeout) may still be stored by the server after the drop.
        exc.add_detail(
            _drop_staging(
                session,
                update_endpoint,
                endpoint,
                staging,
                in_flight=exc.may_have_taken_effect,
            )
        )
        raise
    except KeyboardInterrupt:
        detail = _drop_staging(
            session, update_endpoint, endpoint, staging, quick=True, in_flight=sending
        )
        raise PushInterrupted(f"interrupted while uploading; {detail}") from None
    return count


def _swap(
    session: _Session, update_endpoint: str, endpoint: str, staging: str, graph: str | None
) -> None:
    """``MOVE`` the staging graph onto the target, in one update."""
    destination = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
    unknown = (
        f"the swap may or may not have happened, so the staging graph <{staging}> was left in"
        f" place: {_target_name(graph)} holds either the old or the new graph; drop the staging"
        f" graph once it is no longer needed, with the SPARQL Update {_drop_text(staging)}"
    )
    try:
        session.update(
            update_endpoint,
            f"MOVE GRAPH <{staging}> TO {destination}",
            what=f"swapping the uploaded graph into {_target_name(graph)}",
            repeatable=False,
        )
    except RemoteError as exc:
        if exc.may_have_taken_effect:
            exc.add_detail(unknown)
        else:
            exc.add_detail(_drop_staging(session, update_endpoint, endpoint, staging))
        raise
    except KeyboardInterrupt:
        raise PushInterrupted(f"interrupted during the swap; {unknown}") from None


#: How long a push that stopped waiting for a chunk watches the staging graph it dropped,
#: in seconds: the server may still be storing that chunk, and put the graph back.
STRAGGLER_WAIT = {"quick": 10.0, "patient": 60.0}
_WATCH_STEP = 0.5


def _drop_staging(
    session: _Session,
    update_endpoint: str,
    endpoint: str,
    staging: str,
    *,
    quick: bool = False,
    in_flight: bool = False,
) -> str:
    """Drop the staging graph after a failure (best effort: SPARQL ``DROP SILENT`` and a
    ``DELETE WHERE`` of its triples, else a Graph Store DELETE) and say what became of
    it. ``quick``: no repeats (the user is waiting for an interrupted push to stop).
    ``in_flight``: a chunk was being sent when the push stopped waiting for it; the
    server may store it after the drop, so the staging graph is watched for a while and
    dropped again if it comes back, and its triples are deleted once more at the end,
    whatever the Graph Store said."""
    left = (
        f"the target graph was not touched, but the staging graph <{staging}> could not be"
        f" dropped: drop it with the SPARQL Update {_drop_text(staging)}"
    )
    if not _drop_once(session, update_endpoint, endpoint, staging, quick=quick):
        return left
    if not in_flight:
        return "the target graph was not touched and the staging graph was dropped"
    wait = STRAGGLER_WAIT["quick" if quick else "patient"]
    came_back = False
    try:
        for _ in range(round(wait / _WATCH_STEP)):
            session.sleep(_WATCH_STEP)
            if _graph_exists(session, endpoint, staging):
                came_back = True
                if not _drop_once(session, update_endpoint, endpoint, staging, quick=True):
                    return left
        if _graph_exists(session, endpoint, staging):
            raise RemoteError("the staging graph is still there")
        # Triples the server stored as it dropped the graph may be there with no graph to
        # show for them (Oxigraph): removed whatever the Graph Store says.
        if not _drop_once(session, update_endpoint, endpoint, staging, quick=True):
            raise RemoteError("the staging graph could not be dropped")
    except (RemoteError, KeyboardInterrupt):
        return (
            f"the target graph was not touched; the staging graph <{staging}> was dropped,"
            " but the server may still be storing the chunk it was sent last, which would"
            f" put it back: check, and drop it with the SPARQL Update {_drop_text(staging)}"
        )
    again = " (again, after the chunk the server was still storing came in)" if came_back else ""
    return (
        f"the target graph was not touched and the staging graph was dropped{again};"
        f" it was watched for {wait:g} s for that chunk"
    )


def _drop_update(staging: str) -> str:
    """The SPARQL Update that removes a staging graph: ``DROP``, then a ``DELETE WHERE`` of
    its triples. An Oxigraph server that was storing a chunk into the graph when it was
    dropped keeps that chunk's triples in it, yet no longer counts the graph as one (a
    Graph Store GET answers 404; ``DROP`` and ``CLEAR`` pass it by): only the ``DELETE``
    removes them."""
    return f"DROP SILENT GRAPH <{staging}> ;\nDELETE WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"


def _drop_text(staging: str) -> str:
    """:func:`_drop_update` on one line, for a message."""
    return " ".join(_drop_update(staging).split())


def _drop_once(
    session: _Session, update_endpoint: str, endpoint: str, staging: str, *, quick: bool
) -> bool:
    policy = RetryPolicy(retries=0 if quick else 1, backoff=session.retry.backoff, max_backoff=2)
    for method, url, content, headers in (
        ("POST", update_endpoint, _drop_update(staging), {"Content-Type": SPARQL_UPDATE}),
        ("DELETE", graph_url(endpoint, staging), "", {}),
    ):
        try:
            session.send(
                method,
                url,
                what="dropping the staging graph",
                repeatable=True,
                content=content.encode() or None,
                headers=headers,
                accept_status=(404,),
                retry=policy,
            )
        except (RemoteError, KeyboardInterrupt):
            continue
        return True
    return False


def _graph_exists(session: _Session, endpoint: str, graph: str) -> bool:
    """Whether the Graph Store holds ``graph`` (2xx it does, 404 it does not). A ``GET``
    whose body is not read (closing it drops the connection): not ``HEAD``, which Oxigraph
    0.5 answers with a body that breaks the connection for the next request."""
    response = session.send(
        "GET",
        graph_url(endpoint, graph),
        what="looking for the staging graph",
        repeatable=True,
        accept_status=(404,),
        retry=RetryPolicy(retries=0, backoff=session.retry.backoff),
        stream=True,
    )
    response.close()
    return response.status_code != 404


# --------------------------------------------------------------------------- query


def _parse_triples(response: httpx.Response, shown: str) -> QueryResult:
    """A whole CONSTRUCT or DESCRIBE answer: its triples, sorted, as local ones are."""
    import pyoxigraph as ox

    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    rdf_format = ox.RdfFormat.from_media_type(media) if media else None
    if rdf_format is None:
        raise RemoteError(f"{shown} answered with {media or 'no content type'}, not query results")
    try:
        triples = [
            (q.subject, q.predicate, q.object)
            for q in ox.parse(response.content, format=rdf_format)
        ]
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"{shown} sent malformed {media}: {exc}") from None
    triples.sort(key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    return QueryResult(variables=["subject", "predicate", "object"], rows=list(triples))


def _answer(
    session: _Session, endpoint: str, text: str, params: list[tuple[str, str]], shown: str
) -> EngineStream:
    """A small SELECT or ASK answer, read whole."""
    import pyoxigraph as ox

    response = _post_query(session, endpoint, text, params, stream=False)
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    if results_format is None:
        raise RemoteError(f"{shown} answered with {media or 'no content type'}, not results")
    try:
        parsed = ox.parse_query_results(response.content, results_format)
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"{shown} sent malformed {media}: {exc}") from None
    if isinstance(parsed, ox.QueryBoolean):
        return EngineStream([], iter(()), bool(parsed))
    variables = [v.value for v in parsed.variables]
    return EngineStream(variables, iter([tuple(row[v] for v in variables) for row in parsed]))


def _post_query(
    session: _Session,
    endpoint: str,
    text: str,
    params: list[tuple[str, str]],
    *,
    stream: bool,
    written: str | None = None,
    query: SavedQuery | None = None,
    bindings: Mapping[str, Term] | None = None,
) -> httpx.Response:
    """POST a query to an endpoint; a 400 answer is a :class:`QueryError`. ``written`` is
    the query as the user wrote it, if ``text`` is it with prefixes declared before it: a
    prefix it leaves undeclared is named as the cause of a 400, with its line and column,
    and the position in an Oxigraph server's "error at 1:N" is made that of ``written``.
    ``query`` and ``bindings``: what ``written`` was made of, so that a ``# if bound``
    line that broke it once its parameter was bound is named by its own line."""
    try:
        return session.send(
            "POST",
            endpoint,
            what="running the query",
            repeatable=True,
            content=text.encode("utf-8"),
            headers={"Content-Type": SPARQL_QUERY, "Accept": QUERY_ACCEPT},
            params=params,
            stream=stream,
        )
    except EndpointRefused as exc:
        if exc.status == 400:
            said = exc.excerpt or "bad request"
            if written is not None:
                unknown = unknown_prefix_error(written)
                if unknown is not None:  # an endpoint may know prefixes of its own
                    raise QueryError(
                        f"{redact(endpoint)} rejected the query: {unknown}", source=written
                    ) from None
                placed = None if query is None else placed_line_error(written, query, bindings)
                if placed is not None:
                    raise QueryError(
                        f"{redact(endpoint)} rejected the query: {placed}", source=written
                    ) from None
                # The query read here too: where it is not SPARQL, the message shows its
                # line with a caret, as a local query's does, not the server's own words.
                try:
                    prepare(written)
                except QueryError as local:
                    raise QueryError(
                        f"{redact(endpoint)} rejected the query: {local}", source=written
                    ) from None
                added = len(text) - len(written)
                said = re.sub(
                    r"\berror at 1:(\d+)",
                    lambda m: f"error at 1:{max(1, int(m[1]) - added)}",
                    said,
                )
            raise QueryError(
                f"{redact(endpoint)} rejected the query: {said}", source=written or text
            ) from None
        _hint_service(exc, endpoint, "query", "--endpoint")
        raise


def query_endpoint(
    endpoint: str,
    query: SavedQuery,
    bindings: Mapping[str, Term] | None = None,
    *,
    named_graph: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 Protocol endpoint (POST ``application/sparql-query``).

    ``named_graph`` is sent as the protocol's ``default-graph-uri``: the query then sees
    that graph as its default graph. Queries only read, so they are repeated after
    transient failures. A 400 answer (the endpoint could not parse or run the query)
    raises :class:`QueryError`, as a local syntax error does. The whole answer is read:
    :func:`stream_endpoint` gives the rows as they come.
    """
    with stream_endpoint(
        endpoint,
        query,
        bindings,
        named_graph=named_graph,
        credentials=credentials,
        timeout=timeout,
        retry=retry,
        sleep=sleep,
    ) as answer:
        if isinstance(answer, QueryResult):
            return answer
        return QueryResult(answer.variables, list(answer.rows), boolean=answer.boolean)


class _Body(io.RawIOBase):
    """A streamed response body as a binary file, for pyoxigraph's results parser. A
    failure of the connection is kept (``error``) and raised as an OSError."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self._chunks = response.iter_bytes()
        self._pending = memoryview(b"")
        self.error: httpx.HTTPError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """What has arrived, up to the buffer's size. pyoxigraph reads with read(n), which
        on a raw file returns what one call of this gives (a buffered file would wait for
        all n bytes), so each row is parsed as soon as it arrives."""
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                self.error = exc
                raise OSError(str(exc) or type(exc).__name__) from exc
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _read_failure(
    error: httpx.HTTPError | None, exc: Exception, shown: str, timeout: float
) -> RemoteError:
    """What to report when reading a streamed answer failed: the connection (``error``),
    or else the answer itself (``exc``, from the parser)."""
    if isinstance(error, httpx.TimeoutException):
        return EndpointTimeout(
            f"reading the answer: {shown} sent nothing more within {timeout:g} s"
            " (a longer --timeout may help)"
        )
    if error is not None:
        reason = str(error) or type(error).__name__
        return EndpointUnreachable(
            f"reading the answer: the connection to {shown} broke ({reason})"
        )
    return RemoteError(f"{shown} sent malformed query results: {exc}")


def _streamed_rows(
    solutions: Any,
    variables: list[str],
    body: _Body,
    shown: str,
    timeout: float,
    when_none: Callable[[], None] = lambda: None,
) -> Generator[tuple[Any, ...], None, None]:
    """The rows of ``solutions``; ``when_none`` is called after the last if there were none."""
    rows = 0
    try:
        for solution in solutions:
            rows += 1
            yield tuple(solution[v] for v in variables)
    except (OSError, SyntaxError, ValueError) as exc:
        raise _read_failure(body.error, exc, shown, timeout) from None
    if not rows:
        when_none()


def _refuse_empty_graph(
    session: _Session, endpoint: str, params: list[tuple[str, str]], named_graph: str | None
) -> None:
    """After an answer with nothing in it: refuse it if the graph queried is empty (or is
    not there), as an answer from a graph that was never pushed, or is named wrongly,
    would pass for one from the data (a ``*-violation`` query's "no rows")."""
    shown = redact(endpoint)
    if _answer(session, endpoint, "ASK { ?s ?p ?o }", params, shown).boolean is not False:
        return
    if named_graph is not None:
        raise QueryError(
            f"the graph <{named_graph}> of {shown} holds no triples (or is not there), so"
            " the query found nothing: give --named-graph the graph the data was pushed into"
            " (push --named-graph), or leave it out for the default graph"
        )
    raise QueryError(
        f"the default graph of {shown} holds no triples, so the query found nothing: push"
        " the data there (push --endpoint …), or give --named-graph the graph it is in"
    )


@contextmanager
def stream_endpoint(
    endpoint: str,
    query: SavedQuery,
    bindings: Mapping[str, Term] | None = None,
    *,
    named_graph: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[EngineStream | QueryResult]:
    """:func:`query_endpoint`, with a SELECT's rows read as the endpoint sends them.

    Inside the block, a SELECT or ASK answer is an :class:`EngineStream`, whose rows are
    parsed (by pyoxigraph, from SPARQL JSON, XML or TSV) while they are read, so that an
    answer of any size takes little memory. A failure while reading them raises a
    :class:`RemoteError` from the iterator; it is not repeated, since rows were already
    given out. A CONSTRUCT or DESCRIBE answer is read whole, as by :func:`query_endpoint`.
    """
    import pyoxigraph as ox

    endpoint, url_credentials = check_endpoint(
        endpoint, "--endpoint", "http://localhost:7878/query"
    )
    params = [("default-graph-uri", check_graph_iri(named_graph))] if named_graph else []
    # The prefixes every local engine knows are declared for the endpoint, which may not.
    written = with_values_for_endpoint(query.text, bindings)
    text = with_prefixes(written)
    policy = retry or RetryPolicy(retries=2, backoff=0.5)
    shown = redact(endpoint)
    with _Session(credentials or url_credentials, timeout, policy, sleep) as session:
        for name, ask in case_checks(query, bindings):
            if not _answer(session, endpoint, ask, params, shown).boolean:
                cases = list(_answer(session, endpoint, CASE_IDS, params, shown).rows)
                if not cases:  # no case at all: the graph may be empty, the wrong one
                    _refuse_empty_graph(session, endpoint, params, named_graph)
                raise no_such_case(name, bindings or {}, cases)
        response = _post_query(
            session,
            endpoint,
            text,
            params,
            stream=True,
            written=written,
            query=query,
            bindings=bindings,
        )

        def when_none() -> None:
            # A query that names its graphs (FROM, GRAPH) may find nothing in them while
            # the default graph is empty, as it is meant to be on some servers.
            if not names_its_graphs(query.text):
                _refuse_empty_graph(session, endpoint, params, named_graph)

        try:
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
            if results_format is None:
                try:
                    response.read()
                except httpx.HTTPError as exc:
                    raise _read_failure(exc, exc, shown, timeout) from None
                triples = _parse_triples(response, shown)
                if not triples.rows:
                    when_none()
                yield triples
                return
            body = _Body(response)
            try:
                parsed = ox.parse_query_results(cast(IO[bytes], body), results_format)
            except (OSError, SyntaxError, ValueError) as exc:
                raise _read_failure(body.error, exc, shown, timeout) from None
            if isinstance(parsed, ox.QueryBoolean):
                if not parsed:
                    when_none()
                yield EngineStream([], iter(()), bool(parsed))
                return
            variables = [v.value for v in parsed.variables]
            rows = _streamed_rows(parsed, variables, body, shown, timeout, when_none)
            # The parser's solutions are let go of here, in this thread: pyoxigraph refuses
            # to drop them in another, where the garbage collector may find them later.
            del parsed
            try:
                yield EngineStream(variables, rows)
            finally:
                rows.close()
        finally:
            response.close()
