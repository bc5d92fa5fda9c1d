"""Serving and publishing: `serve`, `push` and `query --endpoint`, against real servers.

A real Oxigraph server runs on 127.0.0.1 for the module. Where a behaviour needs a server
that fails, is slow or asks for credentials, a small HTTP server in a thread stands in
front of it (or alone): it answers as a real server would, and forwards the rest.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from reformgraph.cli import app
from reformgraph.errors import EndpointRefused, PortInUse, PushInterrupted, ServerError
from reformgraph.queries import saved_queries
from reformgraph.remote import (
    STAGING_PREFIX,
    Credentials,
    RetryPolicy,
    push_graph,
    sends_password_in_clear,
)
from reformgraph.server import find_binary, query_link

from .paths import ROOT

runner = CliRunner()
PASSWORD = "s3cret-Pa55-word"


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Oxigraph:
    base: str

    @property
    def store(self) -> str:
        return f"{self.base}/store"

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    def select(self, text: str, graph: str | None = None) -> list[dict[str, Any]]:
        params = {"default-graph-uri": graph} if graph else None
        response = httpx.post(
            self.query,
            content=text.encode(),
            params=params,
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        response.raise_for_status()
        return list(response.json()["results"]["bindings"])

    def count(self, graph: str | None) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph)
        return int(rows[0]["n"]["value"])

    def named_graphs(self) -> set[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {row["g"]["value"] for row in rows}

    def put(self, graph: str, ntriples: bytes) -> None:
        response = httpx.put(
            self.store,
            params={"graph": graph},
            content=ntriples,
            headers={"Content-Type": "application/n-triples"},
        )
        response.raise_for_status()

    def graph(self, graph: str) -> set[str]:
        """The graph's triples, its blank nodes canonically named."""
        response = httpx.get(
            self.store, params={"graph": graph}, headers={"Accept": "application/n-triples"}
        )
        response.raise_for_status()
        return canonical(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    """A real, empty, writable Oxigraph server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [str(find_binary()), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Oxigraph(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "the Oxigraph server did not start"
            try:
                if httpx.get(server.base + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the Oxigraph server did not answer"
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Seen:
    """A request a stub server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Parts:
    """A body sent in pieces, each flushed: a callable between them runs (to wait). The
    announced ``length`` may exceed what is sent: the connection then ends too early."""

    pieces: list[bytes | Callable[[], None]]
    length: int | None = None

    def size(self) -> int:
        sent = sum(len(piece) for piece in self.pieces if isinstance(piece, bytes))
        return self.length if self.length is not None else sent


Reply = tuple[int, dict[str, str], "bytes | Parts"]


@dataclass
class Stub:
    """A tiny HTTP server in a thread; ``handle`` answers every request."""

    handle: Callable[[Seen], Reply]
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                seen = Seen(self.command, self.path, headers, body, time.monotonic())
                stub.seen.append(seen)
                status, reply_headers, content = stub.handle(seen)
                self.send_response(status)
                for name, value in reply_headers.items():
                    self.send_header(name, value)
                if isinstance(content, Parts):
                    self.send_header("Content-Length", str(content.size()))
                    self.end_headers()
                    for piece in content.pieces:
                        if isinstance(piece, bytes):
                            self.wfile.write(piece)
                            self.wfile.flush()
                        else:
                            piece()
                    return
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (the timeout tests) is expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Stub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def methods(self) -> list[str]:
        return [seen.method for seen in self.seen]


def forward(target: str, seen: Seen) -> Reply:
    """Send a request on to the real server and return its answer."""
    headers = {k: v for k, v in seen.headers.items() if k in ("content-type", "accept")}
    response = httpx.request(seen.method, target + seen.path, content=seen.body, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k.lower() == "content-type"}
    return response.status_code, kept, response.content


# --------------------------------------------------------------------------- comparing


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def cli(words: str, *more: str, env: dict[str, str] | None = None) -> Any:
    """Run the command line: ``words`` split at spaces, then ``more`` as they are."""
    return invoke(*words.split(), *more, env=env)


def order_keys(text: str, variables: list[str]) -> list[str]:
    """The projected variables of the query's outer ORDER BY."""
    clauses = re.findall(r"ORDER\s+BY\s+(.*?)(?=\bLIMIT\b|\bOFFSET\b|\Z)", text, re.S | re.I)
    if not clauses:
        return []
    return [key for key in re.findall(r"\?(\w+)", clauses[-1]) if key in variables]


def assert_same_results(query: str, local: dict[str, Any], remote: dict[str, Any]) -> None:
    """Same columns; same rows as multisets; same order on the ORDER BY keys."""
    assert remote["head"] == local["head"], query
    rows = [json.dumps(b, sort_keys=True, ensure_ascii=False) for b in local["results"]["bindings"]]
    remote_rows = [
        json.dumps(b, sort_keys=True, ensure_ascii=False) for b in remote["results"]["bindings"]
    ]
    assert Counter(remote_rows) == Counter(rows), query
    keys = order_keys(saved_queries()[query].text, local["head"]["vars"])

    def sequence(doc: dict[str, Any]) -> list[tuple[str, ...]]:
        return [
            tuple(json.dumps(b.get(k), sort_keys=True) for k in keys)
            for b in doc["results"]["bindings"]
        ]

    assert sequence(remote) == sequence(local), query


@pytest.fixture(scope="module")
def local_results(build_dir: Path) -> dict[str, dict[str, Any]]:
    """Every saved query, run locally on the build, as W3C JSON results."""
    out = {}
    for name in saved_queries():
        result = invoke("query", name, "--format", "json", "--out", str(build_dir))
        assert result.exit_code == 0, result.output
        out[name] = json.loads(result.stdout)
    return out


def canonical(quads: Iterable[ox.Quad]) -> set[str]:
    """Triples as text, blank nodes canonically named: equal sets, isomorphic graphs."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def expected_graph(build_dir: Path) -> set[str]:
    """The built graph and the ontology, as Oxigraph stores them (it keeps the subtypes of
    xsd:integer, such as xsd:positiveInteger, as xsd:integer; so do local queries)."""
    store = ox.Store()
    store.load(path=str(build_dir / "reformgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.load(path=str(ROOT / "ontology" / "reformgraph.ttl"), format=ox.RdfFormat.TURTLE)
    return canonical(store)


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --------------------------------------------------------------------------- push and query


@pytest.mark.parametrize("graph", [None, "https://example.org/graph/reform"])
def test_push_then_every_saved_query_answers_remotely_as_locally(
    oxigraph: Oxigraph,
    build_dir: Path,
    local_results: dict[str, dict[str, Any]],
    graph: str | None,
) -> None:
    target = ["--named-graph", graph] if graph else []
    pushed = invoke("push", "--endpoint", oxigraph.store, *target, "--out", str(build_dir))
    assert pushed.exit_code == 0, pushed.output
    assert "one request" in pushed.output
    for name, saved in saved_queries().items():
        result = invoke("query", name, "--format", "json", "--endpoint", oxigraph.query, *target)
        assert result.exit_code == 0, result.output
        remote = json.loads(result.stdout)
        assert_same_results(name, local_results[name], remote)
        if saved.is_violation_check:
            assert remote["results"]["bindings"] == []
        else:
            assert remote["results"]["bindings"], name
    args = ["figures", "-p", "case=big-fiscal-system", "--format", "csv"]
    local = invoke("query", *args, "--out", str(build_dir))
    remote_csv = invoke("query", *args, "--endpoint", oxigraph.query, *target)
    assert remote_csv.exit_code == 0, remote_csv.output
    assert remote_csv.stdout == local.stdout
    assert len(remote_csv.stdout.splitlines()) == 1 + 5
    table = invoke("query", "cases", "--endpoint", oxigraph.query, *target)
    assert table.stdout == invoke("query", "cases", "--out", str(build_dir)).stdout
    unknown = invoke(
        "query", "figures", "-p", "case=big-fiscal", "--endpoint", oxigraph.query, *target
    )
    assert unknown.exit_code == 2, unknown.output
    assert "no case has the id 'big-fiscal' (did you mean big-fiscal-system?)" in unknown.output


def test_every_parameter_of_the_saved_queries_filters_remotely_as_locally(
    oxigraph: Oxigraph, build_dir: Path, local_results: dict[str, dict[str, Any]]
) -> None:
    # Locally a parameter is substituted; remotely it is a VALUES block of the query text.
    pushed = invoke("push", "--endpoint", oxigraph.store, "--build", str(build_dir))
    assert pushed.exit_code == 0, pushed.output
    for name, saved in saved_queries().items():
        for param in saved.params:
            every = local_results[name]["results"]["bindings"]
            values = sorted({b[param.name]["value"] for b in every if param.name in b})
            assert values, f"{name}: no value of ?{param.name}"
            value = values[len(values) // 2]
            args = ["query", name, "-p", f"{param.name}={value}", "--format", "json"]
            local = invoke(*args, "--build", str(build_dir))
            assert local.exit_code == 0, local.output
            remote = invoke(*args, "--endpoint", oxigraph.query)
            assert remote.exit_code == 0, remote.output
            expected = json.loads(local.stdout)
            assert_same_results(name, expected, json.loads(remote.stdout))
            kept = expected["results"]["bindings"]
            assert kept, f"{name} -p {param.name}={value}"
            if param.type != "class":
                assert all(b[param.name]["value"] == value for b in kept), name
    # A class parameter stands for the class and its subclasses: a VALUES row for each.
    for name, given in (
        ("instruments", "rg:PolicyDocument"),
        ("shared-entities", "org:Organization"),
    ):
        args = ["query", name, "-p", f"type={given}", "--format", "json"]
        local = invoke(*args, "--build", str(build_dir))
        remote = invoke(*args, "--endpoint", oxigraph.query)
        assert remote.exit_code == 0, remote.output
        expected = json.loads(local.stdout)
        assert_same_results(name, expected, json.loads(remote.stdout))
        kinds = {b["type"]["value"] for b in expected["results"]["bindings"]}
        assert len(kinds) > 1 or kinds.isdisjoint({given}), (name, kinds)


@pytest.mark.parametrize(
    ("text", "param"),
    [
        (
            "SELECT ?case ?value ?min WHERE { ?f a rg:Figure ; schema:value ?value ;"
            " rg:partOfCase ?case . FILTER (?value > ?min) }",
            "min=100000000000",
        ),
        (
            "SELECT ?title ?len WHERE { ?c a rg:ReformCase ; dcterms:title ?title ."
            ' FILTER (lang(?title) = "zh") BIND (STRLEN(?title) AS ?len) }',
            "len=9",
        ),
        (
            "CONSTRUCT { ?c rg:position ?p } WHERE { ?c a rg:ReformCase ; rg:position ?p }",
            "c=rgd:case/soe-functional-reform",
        ),
        (  # the block at the top of WHERE did not reach a FILTER of a group inside it
            "SELECT ?case ?value ?min WHERE { ?f a rg:Figure ; rg:partOfCase ?case ."
            " { ?f schema:value ?value FILTER (?value > ?min) } }",
            "min=100000000000",
        ),
        (
            "SELECT ?case ?value ?min WHERE { ?f a rg:Figure ; rg:partOfCase ?case ."
            " { ?f schema:value ?value FILTER (?value > ?min) } UNION"
            " { ?f schema:value ?value FILTER (?value < ?min) } }",
            "min=100000000000",
        ),
    ],
    ids=["only-in-a-filter", "computed-by-bind", "construct", "in-a-group", "in-a-union"],
)
def test_a_parameter_a_filter_or_an_expression_uses_filters_remotely_as_locally(
    oxigraph: Oxigraph, build_dir: Path, text: str, param: str
) -> None:
    # Locally ?min is bound before the FILTER sees it; a trailing VALUES block came after
    # it, and the endpoint answered no row at all.
    pushed = invoke("push", "--endpoint", oxigraph.store, "--build", str(build_dir))
    assert pushed.exit_code == 0, pushed.output
    args = ["query", text, "-p", param, "--format", "json"]
    local = invoke(*args, "--build", str(build_dir))
    assert local.exit_code == 0, local.output
    remote = invoke(*args, "--endpoint", oxigraph.query)
    assert remote.exit_code == 0, remote.output
    expected = json.loads(local.stdout)
    answered = json.loads(remote.stdout)
    assert answered["head"] == expected["head"]
    rows = [json.dumps(b, sort_keys=True) for b in expected["results"]["bindings"]]
    assert rows
    assert Counter(json.dumps(b, sort_keys=True) for b in answered["results"]["bindings"]) == (
        Counter(rows)
    )


def test_a_variable_the_select_clause_computes_is_refused_as_a_parameter_remotely(
    oxigraph: Oxigraph,
) -> None:
    text = (
        "SELECT ?office (COUNT(?case) AS ?n) WHERE { ?case rg:responsibleOffice ?office }"
        " GROUP BY ?office"
    )
    result = invoke("query", text, "-p", "n=3", "--endpoint", oxigraph.query)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "the query computes ?n in its SELECT clause (… AS ?n)" in result.output


def test_pipeline_pushes_and_queries_an_endpoint_as_the_command_line_does(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    from reformgraph import pipeline

    graph = "https://example.org/graph/from-python"
    result = pipeline.push(str(build_dir), oxigraph.store, named_graph=graph)
    assert result.triples == len(expected_graph(build_dir))
    assert oxigraph.graph(graph) == expected_graph(build_dir)
    remote = pipeline.query_endpoint(
        oxigraph.query, "figures", {"case": "big-fiscal-system"}, named_graph=graph
    )
    with pipeline.open_graph(build_dir) as local_graph:
        local = pipeline.query(local_graph, "figures", {"case": "big-fiscal-system"})
    assert remote.variables == local.variables
    assert [[str(getattr(t, "value", t)) for t in row] for row in remote.rows] == [
        [str(t) if t is not None else "None" for t in row] for row in local.rows
    ]
    assert remote.rows


def test_pipeline_push_takes_the_password_from_the_variable_and_refuses_half_a_login(
    oxigraph: Oxigraph, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import pipeline
    from reformgraph.errors import RemoteUsageError

    monkeypatch.delenv("REFORMGRAPH_USER", raising=False)
    monkeypatch.setenv("REFORMGRAPH_PASSWORD", PASSWORD)
    with pytest.raises(RemoteUsageError, match="needs a user name"):
        pipeline.push(build_dir, "http://127.0.0.1:9/store")
    graph = "https://example.org/graph/from-python-with-a-login"
    with Stub(basic_guard(oxigraph.base, "editor", PASSWORD)) as stub:
        pipeline.push(build_dir, f"{stub.url}/store", named_graph=graph, user="editor")
        assert stub.methods() == ["GET", "PUT"]
    assert oxigraph.count(graph) == len(expected_graph(build_dir))


def test_data_only_push_leaves_the_ontology_out(oxigraph: Oxigraph, build_dir: Path) -> None:
    graph = "https://example.org/graph/data-only"
    result = cli(
        f"push --endpoint {oxigraph.store} --named-graph {graph} --data-only",
        "--out",
        str(build_dir),
    )
    assert result.exit_code == 0, result.output
    lines = (build_dir / "reformgraph.nt").read_bytes().splitlines()
    assert oxigraph.count(graph) == len([line for line in lines if line.strip()])


def test_chunked_push_swaps_in_the_same_graph_and_leaves_no_staging_graph(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/chunked"
    oxigraph.put(graph, b'<https://example.org/old> <https://example.org/p> "1" .\n')
    result = cli(
        f"push --endpoint {oxigraph.store} --named-graph {graph}"
        f" --update-endpoint {oxigraph.update} --chunk-triples 2500",
        "--out",
        str(build_dir),
    )
    assert result.exit_code == 0, result.output
    assert "4 chunks, then swapped in" in result.output
    # The ontology's blank nodes (OWL lists) travel in one request, so they arrive whole.
    assert oxigraph.graph(graph) == expected_graph(build_dir)
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]


def test_chunked_push_into_the_default_graph(oxigraph: Oxigraph, build_dir: Path) -> None:
    result = cli(
        f"push --endpoint {oxigraph.store} --update-endpoint {oxigraph.update}"
        " --chunk-triples 4000",
        "--out",
        str(build_dir),
    )
    assert result.exit_code == 0, result.output
    assert "into the default graph" in result.output
    assert oxigraph.count(None) == len(expected_graph(build_dir))
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]


def test_chunked_push_without_update_endpoint_fails_before_sending_anything(
    build_dir: Path,
) -> None:
    with Stub(lambda seen: (204, {}, b"")) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --chunk-triples 1000", "--out", str(build_dir)
        )
    assert result.exit_code == 2
    assert "--update-endpoint" in result.output
    assert "nothing was sent" in result.output
    assert stub.seen == []
    no_traceback(result)


OLD = b'<https://example.org/old> <https://example.org/p> "1" .\n'


def test_a_chunk_that_keeps_failing_leaves_the_target_as_it_was(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/failed-chunk"
    oxigraph.put(graph, OLD)
    posts = 0

    def failing_second_post(seen: Seen) -> Reply:
        nonlocal posts
        if seen.method == "POST":
            posts += 1
            if posts >= 2:
                return 500, {"Content-Type": "text/plain"}, b"disk full"
        return forward(oxigraph.base, seen)

    with Stub(failing_second_post) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --named-graph {graph}"
            f" --update-endpoint {oxigraph.update} --chunk-triples 2000"
            " --retries 1 --backoff 0.01",
            "--out",
            str(build_dir),
        )
    assert result.exit_code == 3, result.output
    assert "500" in result.output
    assert "disk full" in result.output
    assert "after 2 attempts" in result.output
    assert "target graph was not touched and the staging graph was dropped" in result.output
    assert oxigraph.count(graph) == 1
    assert oxigraph.select('SELECT ?p WHERE { <https://example.org/old> ?p "1" }', graph)
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]
    no_traceback(result)


def test_a_chunk_the_server_stores_after_the_push_gave_up_on_it_is_dropped_again(
    oxigraph: Oxigraph, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push timed out on a chunk and dropped the staging graph; the server then
    stored the chunk (it was still reading it), which put the staging graph back. The
    push watches for that, drops it again, and says so."""
    from reformgraph import remote

    monkeypatch.setitem(remote.STRAGGLER_WAIT, "patient", 4.0)
    graph = "https://example.org/graph/straggler"
    oxigraph.put(graph, OLD)
    posts = 0

    def late_second_post(seen: Seen) -> Reply:
        nonlocal posts
        if seen.method == "POST" and "graph=" in seen.path:
            posts += 1
            if posts == 2:
                time.sleep(1.5)  # past the push's timeout, then stored all the same
        return forward(oxigraph.base, seen)

    with Stub(late_second_post) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --named-graph {graph}"
            f" --update-endpoint {oxigraph.update} --chunk-triples 2000"
            " --timeout 0.5 --retries 0",
            "--out",
            str(build_dir),
        )
        looks = [seen for seen in stub.seen if seen.method == "GET" and "staging" in seen.path]
    assert result.exit_code == 3, result.output
    assert "did not answer within 0.5 s" in result.output
    assert "staging graph was dropped (again, after the chunk" in result.output
    assert looks
    assert oxigraph.count(graph) == 1
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]
    no_traceback(result)


def test_a_chunk_stored_as_the_staging_graph_is_dropped_is_removed_though_unseen(
    oxigraph: Oxigraph, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push gave up on a chunk, which the server stores as the push drops the staging
    graph. Oxigraph then keeps the chunk's triples in that graph (``GRAPH ?g`` finds them)
    but no longer counts it as a graph: a Graph Store GET answers 404, DROP and CLEAR
    pass it by. (It does so when the DROP comes while it writes the chunk, too narrow a
    moment to hit every time; the stub stores the chunk just after the drop and answers
    404 for the staging graph, as Oxigraph then does.) The push removes its triples all
    the same, though its watch sees nothing come back."""
    from reformgraph import remote

    monkeypatch.setitem(remote.STRAGGLER_WAIT, "patient", 1.0)
    graph = "https://example.org/graph/straggler-unseen"
    oxigraph.put(graph, OLD)
    held: list[Seen] = []
    stored = threading.Event()
    posts = 0

    def chunk_stored_with_the_drop(seen: Seen) -> Reply:
        nonlocal posts
        if seen.method == "POST" and "graph=" in seen.path:
            posts += 1
            if posts == 2:  # the push gives up on it (--timeout 0.5)
                held.append(seen)
                stored.wait(10)
                return 204, {}, b""
        answer = forward(oxigraph.base, seen)
        if seen.method == "POST" and held and not stored.is_set():  # the push's drop
            forward(oxigraph.base, held[0])
            stored.set()
        if held and seen.method == "GET" and STAGING_PREFIX.replace(":", "%3A") in seen.path:
            return 404, {}, b"The graph does not exist"
        return answer

    with Stub(chunk_stored_with_the_drop) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --named-graph {graph}"
            f" --update-endpoint {stub.url}/update --chunk-triples 2000"
            " --timeout 0.5 --retries 0",
            "--out",
            str(build_dir),
        )
    assert result.exit_code == 3, result.output
    assert stored.is_set()
    assert "the staging graph was dropped" in result.output
    assert oxigraph.count(graph) == 1
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]
    no_traceback(result)


def test_a_chunk_that_fails_once_is_sent_again_and_the_push_succeeds(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/transient"
    posts = 0

    def flaky_second_post(seen: Seen) -> Reply:
        nonlocal posts
        if seen.method == "POST":
            posts += 1
            if posts == 2:
                return 503, {"Retry-After": "0"}, b"busy"
        return forward(oxigraph.base, seen)

    with Stub(flaky_second_post) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --named-graph {graph}"
            f" --update-endpoint {oxigraph.update} --chunk-triples 2000 --backoff 0.01",
            "--out",
            str(build_dir),
        )
        methods = stub.methods()
    assert result.exit_code == 0, result.output
    assert methods == ["GET", "PUT", "POST", "POST", "POST", "POST", "POST"]
    assert oxigraph.graph(graph) == expected_graph(build_dir)


def test_a_failed_swap_drops_the_staging_graph_and_keeps_the_target(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/failed-swap"
    oxigraph.put(graph, OLD)

    def refuse_move(seen: Seen) -> Reply:
        if seen.body.startswith(b"MOVE"):
            return 500, {}, b"cannot move"
        return forward(oxigraph.base, seen)

    with Stub(refuse_move) as updates:
        result = cli(
            f"push --endpoint {oxigraph.store} --named-graph {graph}"
            f" --update-endpoint {updates.url}/update --chunk-triples 3000",
            "--out",
            str(build_dir),
        )
        moves = [seen for seen in updates.seen if seen.body.startswith(b"MOVE")]
    assert result.exit_code == 3, result.output
    assert "swapping the uploaded graph" in result.output
    assert "cannot move" in result.output
    assert len(moves) == 1  # never repeated
    assert "staging graph was dropped" in result.output
    assert oxigraph.count(graph) == 1
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]


def test_an_unreachable_update_endpoint_stops_the_push_before_any_upload(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/dead-update"
    oxigraph.put(graph, OLD)
    with Stub(lambda seen: forward(oxigraph.base, seen)) as store:
        result = cli(
            f"push --endpoint {store.url}/store --named-graph {graph}"
            f" --update-endpoint http://127.0.0.1:{free_port()}/update"
            " --chunk-triples 3000 --retries 1 --backoff 0.01",
            "--out",
            str(build_dir),
        )
        methods = store.methods()
    assert result.exit_code == 3, result.output
    assert "reaching the update endpoint: cannot connect" in result.output
    assert methods == ["GET"]
    assert oxigraph.count(graph) == 1
    no_traceback(result)


@pytest.mark.parametrize("path", ["/query", "/update", "/"])
def test_a_push_to_a_path_that_is_no_graph_store_names_the_one_to_give(
    oxigraph: Oxigraph, build_dir: Path, path: str
) -> None:
    result = cli(f"push --endpoint {oxigraph.base}{path}", "--out", str(build_dir))
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    if path != "/":  # the site's page is named so before the upload
        assert f"check that --endpoint {oxigraph.base}{path} is the Graph Store endpoint" in said
        assert "(Oxigraph: http://HOST:PORT/store" in said
        assert "the default graph is as it was" in said
    assert "http://127.0.0.1" not in oxigraph.named_graphs()
    no_traceback(result)


@pytest.mark.parametrize("path", ["/store", "/query"])
def test_a_chunked_push_given_another_service_as_update_endpoint_names_the_one_to_give(
    oxigraph: Oxigraph, build_dir: Path, path: str
) -> None:
    result = cli(
        f"push --endpoint {oxigraph.store} --update-endpoint {oxigraph.base}{path}"
        " --chunk-triples 3000",
        "--out",
        str(build_dir),
    )
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert f"--update-endpoint {oxigraph.base}{path} is the SPARQL Update endpoint" in said
    assert "(Oxigraph: http://HOST:PORT/update" in said
    assert "nothing was sent" in said
    no_traceback(result)


@pytest.mark.parametrize("path", ["/store", "/update", "/"])
def test_a_query_sent_to_a_path_that_is_no_query_endpoint_names_the_one_to_give(
    oxigraph: Oxigraph, path: str
) -> None:
    result = cli(f"query cases --endpoint {oxigraph.base}{path}")
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert f"check that --endpoint {oxigraph.base}{path} is the SPARQL query endpoint" in said
    assert "(Oxigraph: http://HOST:PORT/query" in said
    no_traceback(result)


def test_an_https_address_of_a_plain_http_server_is_said_so_and_not_tried_again() -> None:
    with Stub(lambda seen: (200, {}, b"")) as stub:
        endpoint = stub.url.replace("http://", "https://") + "/query"
        result = cli(f"query cases --endpoint {endpoint} --retries 3 --timeout 5")
    assert result.exit_code == 3, result.output
    assert "is it a plain http server? then give its http:// address" in result.output
    assert "attempts" not in result.output
    no_traceback(result)


def test_a_server_that_asks_to_wait_with_retry_after_is_waited_for(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    pushed = cli(f"push --endpoint {oxigraph.store}", "--out", str(build_dir))
    assert pushed.exit_code == 0, pushed.output  # a query of an empty graph is refused
    answered = 0

    def busy_once(seen: Seen) -> Reply:
        nonlocal answered
        answered += 1
        if answered == 1:
            return 429, {"Retry-After": "1"}, b"slow down"
        return forward(oxigraph.base, seen)

    with Stub(busy_once) as stub:
        result = cli(f"query cases --endpoint {stub.url}/query --retries 2")
        times = [seen.at for seen in stub.seen]
    assert result.exit_code == 0, result.output
    assert times[1] - times[0] >= 0.95  # Retry-After: 1, longer than the 0.5 s back-off


def test_an_endpoint_with_a_space_is_not_a_url() -> None:
    result = cli("query cases --endpoint", "http://exa mple.org/query")
    assert result.exit_code == 2, result.output
    assert "it holds a space" in result.output


@pytest.mark.parametrize(
    ("command", "url"),
    [
        ("query cases --endpoint", f"http://alice:{PASSWORD}@127.0.0.1:port/query"),
        ("query cases --endpoint", f"http://alice:{PASSWORD}@127.0.0.1:99999/query"),
        ("query cases --endpoint", "http://[::1/query"),
        ("push --endpoint", f"http://alice:{PASSWORD}@[::1/store"),
        ("push --endpoint http://127.0.0.1:9/store --update-endpoint", "http://[::1/update"),
    ],
)
def test_an_endpoint_that_is_no_url_is_named_without_its_password(
    build_dir: Path, command: str, url: str
) -> None:
    build = ["--out", str(build_dir)] if command.startswith("push") else []
    result = cli(command, url, *build)
    assert result.exit_code == 2, result.output
    assert "is not a URL" in result.output
    assert PASSWORD not in result.output
    no_traceback(result)


@pytest.mark.parametrize("command", ["query cases --endpoint", "push --endpoint"])
def test_an_endpoint_that_is_no_url_is_named_with_credentials_in_the_environment(
    build_dir: Path, command: str
) -> None:
    # The check for a password sent readable over http read the URL first, and raised
    # ValueError (Invalid IPv6 URL) with a traceback.
    build = ["--out", str(build_dir)] if command.startswith("push") else []
    env = {"REFORMGRAPH_USER": "alice", "REFORMGRAPH_PASSWORD": PASSWORD}
    result = cli(command, "http://[::1/x", *build, env=env)
    assert result.exit_code == 2, result.output
    assert "is not a URL" in result.output
    assert PASSWORD not in result.output
    no_traceback(result)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ("--endpoint {store}?graph=https://example.org/g", "without ?graph= or ?default"),
        ("--endpoint {store}?default", "without ?graph= or ?default"),
        (
            "--endpoint {store} --named-graph urn:reformgraph:staging:mine",
            "names the staging graphs of pushes",
        ),
    ],
)
def test_a_push_told_its_graph_in_the_url_or_a_staging_graph_is_refused_before_sending(
    build_dir: Path, options: str, said: str
) -> None:
    with Stub(accepting_puts) as stub:
        result = cli(
            "push", *options.format(store=f"{stub.url}/store").split(), "--out", str(build_dir)
        )
        methods = stub.methods()
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split())
    assert methods == []
    no_traceback(result)


def test_a_damaged_ntriples_file_is_refused_with_its_line_before_anything_is_sent(
    build_dir: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "build"
    shutil.copytree(build_dir, damaged)
    nt = damaged / "reformgraph.nt"
    lines = nt.read_bytes().count(b"\n")
    with nt.open("ab") as handle:
        handle.write(b'<https://example.org/a> <https://example.org/b> "broken .\n')
    with Stub(accepting_puts) as stub:
        result = cli(f"push --endpoint {stub.url}/store", "--out", str(damaged))
        methods = stub.methods()
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{nt}: cannot be read as N-Triples:" in said
    assert f"line {lines + 1}" in said
    assert "nothing was sent" in said
    assert methods == []
    no_traceback(result)


def test_a_push_to_a_web_site_that_answers_everything_with_a_page_is_refused(
    build_dir: Path,
) -> None:
    page = b"<!doctype html><title>Welcome</title>"
    with Stub(lambda seen: (200, {"Content-Type": "text/html; charset=utf-8"}, page)) as stub:
        result = cli(f"push --endpoint {stub.url}/store", "--out", str(build_dir))
        methods = stub.methods()
    assert result.exit_code == 3, result.output
    assert "with a web page, as a web site does, not a Graph Store" in result.output
    assert "nothing was sent" in result.output
    assert methods == ["GET"]
    no_traceback(result)


@pytest.mark.parametrize("there", [False, True])
def test_a_push_to_a_url_that_names_a_graph_itself_is_refused_before_anything_is_sent(
    oxigraph: Oxigraph, build_dir: Path, there: bool
) -> None:
    """Oxigraph takes any URL below /store/ for the IRI of a graph ("direct graph
    identification"): a push to /store/ (a / too many) replaced the graph
    <http://HOST:PORT/store/> and said it had replaced the default graph."""
    endpoint = oxigraph.store + "/"
    if there:  # the probe is answered with that graph's triples
        oxigraph.put(endpoint, OLD)
    result = cli(f"push --endpoint {endpoint}", "--out", str(build_dir))
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "it does not pick graphs by ?graph= and ?default" in said
    assert "(Oxigraph: http://HOST:PORT/store without a / at its end, Fuseki:" in said
    assert "nothing was sent; the default graph is as it was" in said
    if there:
        assert oxigraph.count(endpoint) == 1
        httpx.delete(endpoint).raise_for_status()
    assert endpoint not in oxigraph.named_graphs()
    no_traceback(result)


@pytest.mark.parametrize(
    ("media", "empty"),
    [
        ("application/rdf+xml", b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="urn:x"></rdf:RDF>'),
        ("text/turtle", b"@prefix ex: <https://example.org/> .\n"),
        ("application/n-triples", b"# no triples\n"),
    ],
)
def test_a_graph_store_that_answers_a_graph_it_lacks_with_an_empty_graph_is_pushed_to(
    build_dir: Path, media: str, empty: bytes
) -> None:
    def store(seen: Seen) -> Reply:  # as RDF4J and GraphDB answer a graph they do not have
        return (204, {}, b"") if seen.method == "PUT" else (200, {"Content-Type": media}, empty)

    with Stub(store) as stub:
        result = cli(f"push --endpoint {stub.url}/store", "--out", str(build_dir))
        methods = stub.methods()
    assert result.exit_code == 0, result.output
    assert methods == ["GET", "PUT"]


def test_a_push_interrupted_while_reaching_the_store_says_nothing_was_sent(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import remote

    def ctrl_c(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(remote._Session, "send", ctrl_c)
    with pytest.raises(PushInterrupted, match="reaching the graph store: nothing was sent"):
        push_graph(build_dir / "reformgraph.nt", "http://127.0.0.1:9/store")


def test_a_push_interrupted_while_reading_the_file_says_nothing_was_sent(build_dir: Path) -> None:
    def ctrl_c(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(PushInterrupted, match=r"while reading reformgraph\.nt: nothing was sent"):
        push_graph(build_dir / "reformgraph.nt", "http://127.0.0.1:9/store", progress=ctrl_c)


def test_an_interrupted_chunked_push_drops_the_staging_graph_and_keeps_the_target(
    oxigraph: Oxigraph, build_dir: Path
) -> None:
    graph = "https://example.org/graph/interrupted"
    oxigraph.put(graph, OLD)

    def ctrl_c_after_the_first_chunk(stage: str, done: int, total: int) -> None:
        if stage == "uploading" and done > 0:
            raise KeyboardInterrupt

    with pytest.raises(PushInterrupted, match="the staging graph was dropped"):
        push_graph(
            build_dir / "reformgraph.nt",
            oxigraph.store,
            named_graph=graph,
            update_endpoint=oxigraph.update,
            chunk_triples=3000,
            progress=ctrl_c_after_the_first_chunk,
        )
    assert oxigraph.count(graph) == 1
    assert not [g for g in oxigraph.named_graphs() if g.startswith(STAGING_PREFIX)]


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize(
    ("url", "scheme", "warned"),
    [
        ("http://triples.example.org/store", "basic", True),
        ("https://triples.example.org/store", "basic", False),
        ("http://triples.example.org/store", "digest", False),
        ("http://127.0.0.1:7878/store", "basic", False),
    ],
)
def test_basic_credentials_over_plain_http_to_another_host_are_flagged(
    url: str, scheme: str, warned: bool
) -> None:
    assert sends_password_in_clear(url, Credentials("u", PASSWORD, scheme)) is warned


def accepting_puts(seen: Seen) -> Reply:
    """A Graph Store that takes every upload and knows no graph before it."""
    return (201, {}, b"") if seen.method == "PUT" else (404, {}, b"")


@pytest.mark.parametrize("command", ["push", "query"])
def test_a_basic_password_over_plain_http_to_another_host_is_warned_of(
    build_dir: Path, oxigraph: Oxigraph, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # The warning is the command's: the check behind it is tested above, alone.
    resolve = socket.getaddrinfo

    def here(host: str, *args: Any, **kwargs: Any) -> Any:  # another host, served here
        return resolve("127.0.0.1" if host == "triples.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", here)
    warning = "is plain http: Basic authentication sends the password readable"
    pushing = command == "push"
    if not pushing:  # a query of an empty graph is refused
        pushed = cli(f"push --endpoint {oxigraph.store} --out {build_dir}")
        assert pushed.exit_code == 0, pushed.output
    handle = accepting_puts if pushing else (lambda seen: forward(oxigraph.base, seen))
    with Stub(handle) as stub:
        port = stub.server.server_address[1]
        for base, warned in ((f"http://triples.example.org:{port}", True), (stub.url, False)):
            words = (
                f"push --endpoint {base}/store --user editor --out {build_dir}"
                if pushing
                else f"query cases --endpoint {base}/query --user reader"
            )
            result = cli(words, "--password", PASSWORD)
            assert result.exit_code == 0, result.output
            assert (warning in " ".join(result.stderr.split())) is warned, result.stderr
            assert PASSWORD not in result.output
        if pushing:
            assert stub.methods().count("PUT") == 2


@pytest.mark.parametrize("command", ["push", "query"])
def test_a_password_typed_as_an_argument_is_warned_of_and_one_from_the_variable_is_not(
    build_dir: Path, command: str
) -> None:
    warning = "can be read by every user of this machine in its list of processes (ps)"
    words = f"{command} --retries 0" if command == "push" else f"{command} cases --retries 0"
    build = ["--out", str(build_dir)] if command == "push" else []
    with Stub(accepting_puts if command == "push" else lambda seen: (500, {}, b"")) as stub:
        runs = {
            "--password": cli(
                words,
                "--endpoint",
                f"{stub.url}/x",
                "--user",
                "u",
                "--password",
                PASSWORD,
                *build,
            ),
            "the endpoint URL": cli(
                words, "--endpoint", stub.url.replace("//", f"//u:{PASSWORD}@") + "/x", *build
            ),
            "": cli(
                words,
                "--endpoint",
                f"{stub.url}/x",
                "--user",
                "u",
                *build,
                env={"REFORMGRAPH_PASSWORD": PASSWORD},
            ),
        }
    for where, result in runs.items():
        said = " ".join(result.output.split())
        assert PASSWORD not in result.output
        if where:
            assert f"a password given in {where} {warning}" in said, said
            assert "set REFORMGRAPH_PASSWORD instead" in said
        else:
            assert warning not in said, said
        no_traceback(result)


def basic_guard(target: str, user: str, password: str) -> Callable[[Seen], Reply]:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def handle(seen: Seen) -> Reply:
        if seen.headers.get("authorization") != expected:
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b"who are you?"
        return forward(target, seen)

    return handle


@dataclass
class DigestGuard:
    """The server side of HTTP Digest authentication (RFC 7616, MD5, qop=auth): enough
    to check that the client answers the challenge correctly."""

    target: str
    user: str
    password: str
    realm: str = "reformgraph-test"
    nonce: str = field(default_factory=lambda: secrets.token_hex(16))
    verified: int = 0

    def challenge(self) -> Reply:
        header = (
            f'Digest realm="{self.realm}", qop="auth", nonce="{self.nonce}",'
            f' opaque="{secrets.token_hex(8)}", algorithm=MD5'
        )
        return 401, {"WWW-Authenticate": header}, b"authenticate first"

    def valid(self, seen: Seen) -> bool:
        header = seen.headers.get("authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = {
            key: quoted or plain
            for key, quoted, plain in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', header[7:])
        }

        def md5(text: str) -> str:
            return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

        ha1 = md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = md5(f"{seen.method}:{fields.get('uri')}")
        expected = md5(f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return (
            fields.get("username") == self.user
            and fields.get("nonce") == self.nonce
            and fields.get("uri") == seen.path
            and fields.get("response") == expected
        )

    def __call__(self, seen: Seen) -> Reply:
        if not self.valid(seen):
            return self.challenge()
        self.verified += 1
        return forward(self.target, seen)


def assert_secret_kept(result: Any, caplog: pytest.LogCaptureFixture) -> None:
    assert PASSWORD not in result.output
    assert PASSWORD not in caplog.text


def test_basic_authentication_pushes_and_queries_without_showing_the_password(
    oxigraph: Oxigraph, build_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    graph = "https://example.org/graph/basic"
    with Stub(basic_guard(oxigraph.base, "editor", PASSWORD)) as guard:
        pushed = cli(
            f"push --endpoint {guard.url}/store --named-graph {graph} --user editor",
            *("--password", PASSWORD, "--out", str(build_dir)),
        )
        assert pushed.exit_code == 0, pushed.output
        assert_secret_kept(pushed, caplog)
        env = {"REFORMGRAPH_USER": "editor", "REFORMGRAPH_PASSWORD": PASSWORD}
        queried = invoke(
            "query", "cases", "--endpoint", guard.url + "/query", "--named-graph", graph, env=env
        )
        assert queried.exit_code == 0, queried.output
        assert "8 row(s)" in queried.output
        assert_secret_kept(queried, caplog)
        wrong = cli(
            f"push --endpoint {guard.url}/store --named-graph {graph} --user editor",
            *("--password", PASSWORD + "x", "--out", str(build_dir)),
        )
        assert wrong.exit_code == 3
        assert "401" in wrong.output
        assert "--password" in wrong.output
        assert PASSWORD not in wrong.output
        assert [seen.method for seen in guard.seen[-1:]] == ["GET"]  # nothing uploaded
        no_traceback(wrong)
    assert oxigraph.count(graph) == len(expected_graph(build_dir))


@pytest.mark.parametrize("command", ["push", "query"])
def test_an_endpoint_that_asks_for_a_login_none_was_given_for_says_how_to_give_one(
    build_dir: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFORMGRAPH_USER", raising=False)
    monkeypatch.delenv("REFORMGRAPH_PASSWORD", raising=False)
    with Stub(basic_guard("http://127.0.0.1:9", "editor", PASSWORD)) as stub:
        if command == "push":
            result = cli(f"push --endpoint {stub.url}/store", "--out", str(build_dir))
        else:
            result = cli(f"query cases --endpoint {stub.url}/query")
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "401 Unauthorized" in said
    assert "it asks for a login: give --user NAME, and the password in REFORMGRAPH_PASSWORD" in said
    no_traceback(result)


@pytest.mark.parametrize("output_format", ["table", "csv"])
def test_the_wait_shown_on_a_terminal_never_shows_a_password_in_the_url(
    oxigraph: Oxigraph, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    import io

    from rich.console import Console

    from reformgraph import cli as command_line

    screen = io.StringIO()
    monkeypatch.setattr(command_line, "err", Console(file=screen, force_terminal=True, width=300))
    url = oxigraph.base.replace("http://", f"http://reader:{PASSWORD}@", 1) + "/query"
    result = invoke("query", "cases", "--endpoint", url, "-f", output_format)
    shown = screen.getvalue()
    assert "waiting for http://" in shown
    assert PASSWORD not in shown
    assert PASSWORD not in result.output


def test_digest_authentication_pushes_without_sending_the_graph_unauthenticated(
    oxigraph: Oxigraph, build_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    graph = "https://example.org/graph/digest"
    guard = DigestGuard(oxigraph.base, "curator", PASSWORD)
    with Stub(guard) as stub:
        pushed = cli(
            f"push --endpoint {stub.url}/store --named-graph {graph} --user curator"
            f" --auth digest --update-endpoint {stub.url}/update --chunk-triples 5000",
            *("--password", PASSWORD, "--out", str(build_dir)),
        )
        assert pushed.exit_code == 0, pushed.output
        assert_secret_kept(pushed, caplog)
        uploads = [seen for seen in stub.seen if seen.method in ("PUT", "POST") and seen.body]
        assert all(seen.headers.get("authorization", "").startswith("Digest ") for seen in uploads)
        queried = cli(
            f"query offices --endpoint {stub.url}/query --named-graph {graph} --user curator"
            " --auth digest",
            *("--password", PASSWORD),
        )
        assert queried.exit_code == 0, queried.output
        assert "6 row(s)" in queried.output
        wrong = cli(
            f"query offices --endpoint {stub.url}/query --user curator --auth digest",
            *("--password", "not-" + PASSWORD),
        )
        assert wrong.exit_code == 3
        assert "401" in wrong.output
        assert "not-" + PASSWORD not in wrong.output
        no_traceback(wrong)
    assert guard.verified >= 4
    assert oxigraph.graph(graph) == expected_graph(build_dir)


# --------------------------------------------------------------------------- failures


def test_a_server_that_is_down_gets_a_clear_message(build_dir: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    pushed = cli(
        f"push --endpoint {dead}/store --retries 1 --backoff 0.01", "--out", str(build_dir)
    )
    assert pushed.exit_code == 3
    assert f"cannot connect to {dead}/store" in pushed.output
    assert "is the server running? check the host and port" in pushed.output
    no_traceback(pushed)
    queried = invoke("query", "cases", "--endpoint", dead + "/query", "--retries", "0")
    assert queried.exit_code == 3
    assert "running the query: cannot connect" in queried.output
    assert "is the server running? check the host and port" in queried.output
    no_traceback(queried)


def test_a_host_name_that_names_no_machine_is_said_so() -> None:
    result = cli("query cases --endpoint http://no-such-host.invalid/query --retries 0")
    assert result.exit_code == 3, result.output
    assert "check the host name: it names no machine" in " ".join(result.output.split())
    no_traceback(result)


def test_a_server_that_does_not_answer_in_time_gets_a_clear_message(build_dir: Path) -> None:
    def slow(seen: Seen) -> Reply:
        stub.release.wait(5)
        return 204, {}, b""

    with Stub(slow) as stub:
        pushed = cli(
            f"push --endpoint {stub.url}/store --timeout 0.3 --retries 0", "--out", str(build_dir)
        )
        queried = cli(f"query cases --endpoint {stub.url}/query --timeout 0.3 --retries 0")
    for result in (pushed, queried):
        assert result.exit_code == 3
        assert "did not answer within 0.3 s" in result.output
        no_traceback(result)


def test_a_put_is_repeated_with_growing_back_off_after_unavailable_answers(
    build_dir: Path,
) -> None:
    puts = 0

    def unavailable_twice(seen: Seen) -> Reply:
        nonlocal puts
        if seen.method == "PUT":
            puts += 1
            if puts <= 2:
                return 503, {}, b"try later"
            return 201, {}, b""
        return 404, {}, b""

    with Stub(unavailable_twice) as stub:
        result = cli(
            f"push --endpoint {stub.url}/store --retries 3 --backoff 0.05", "--out", str(build_dir)
        )
        times = [seen.at for seen in stub.seen if seen.method == "PUT"]
    assert result.exit_code == 0, result.output
    assert len(times) == 3
    first, second = times[1] - times[0], times[2] - times[1]
    assert first >= 0.05
    assert second >= 0.1
    assert stub.seen[1].path.endswith("?default")


def test_the_waits_between_repeats_double_up_to_the_cap_and_retry_after_up_to_a_minute(
    build_dir: Path,
) -> None:
    # RetryPolicy: backoff * 2 ** (n - 1) before the n-th repeat, at most max_backoff; a
    # server's Retry-After is waited for instead when longer, but never past a minute.
    answers = iter([(503, {"Retry-After": "600"}), (503, {}), (503, {}), (503, {})])

    def unavailable_four_times(seen: Seen) -> Reply:
        if seen.method != "PUT":
            return 404, {}, b""
        status, headers = next(answers, (201, {}))
        return status, headers, b""

    waits: list[float] = []
    with Stub(unavailable_four_times) as stub:
        push_graph(
            build_dir / "reformgraph.nt",
            f"{stub.url}/store",
            retry=RetryPolicy(retries=4, backoff=1.0, max_backoff=3.0),
            sleep=waits.append,
        )
    assert waits == [60.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("graph", "target"),
    [(None, {"default": [""]}), ("https://example.org/g", {"graph": ["https://example.org/g"]})],
)
def test_an_endpoint_url_with_a_query_keeps_it_and_names_the_graph_after_it(
    build_dir: Path, graph: str | None, target: dict[str, list[str]]
) -> None:
    # A token or ?repository=… in the endpoint URL got a second "?": the graph went unnamed.
    from urllib.parse import parse_qs, urlsplit

    named = ["--named-graph", graph] if graph else []
    with Stub(accepting_puts) as stub:
        result = cli(f"push --endpoint {stub.url}/store?token=abc", *named, "--out", str(build_dir))
        (put,) = [seen for seen in stub.seen if seen.method == "PUT"]
    assert result.exit_code == 0, result.output
    parts = urlsplit(put.path)
    assert parts.path == "/store"
    assert parse_qs(parts.query, keep_blank_values=True) == {"token": ["abc"], **target}


def test_a_refused_upload_is_not_repeated_and_says_why(build_dir: Path) -> None:
    def refuse(seen: Seen) -> Reply:
        if seen.method == "PUT":
            return 400, {"Content-Type": "text/plain"}, b"bad N-Triples at line 3"
        return 404, {}, b""

    with Stub(refuse) as stub:
        result = invoke("push", "--endpoint", stub.url + "/store", "--out", str(build_dir))
        methods = stub.methods()
    assert result.exit_code == 3
    assert methods == ["GET", "PUT"]
    assert "400 Bad Request: bad N-Triples at line 3" in result.output
    no_traceback(result)


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (400, "the default graph is as it was"),
        (500, "the default graph holds either its old graph or the new one (one PUT replaces"),
    ],
)
def test_a_failed_upload_says_what_the_graph_holds(build_dir: Path, status: int, said: str) -> None:
    def fail(seen: Seen) -> Reply:
        return (status, {}, b"no") if seen.method == "PUT" else (404, {}, b"")

    with Stub(fail) as stub:
        result = cli(f"push --endpoint {stub.url}/store --retries 0", "--out", str(build_dir))
    assert result.exit_code == 3, result.output
    assert said in " ".join(result.output.split())
    no_traceback(result)


def test_a_push_that_cannot_reach_the_store_says_nothing_was_sent(build_dir: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/store"
    result = cli(f"push --endpoint {dead} --retries 0", "--out", str(build_dir))
    assert result.exit_code == 3, result.output
    assert "nothing was sent; the default graph is as it was" in " ".join(result.output.split())
    no_traceback(result)


def test_a_long_refusal_is_quoted_by_its_first_300_characters(build_dir: Path) -> None:
    # A server's error page (a whole HTML document, a stack trace) is not poured out.
    def refuse_at_length(seen: Seen) -> Reply:
        if seen.method == "PUT":
            return 400, {"Content-Type": "text/plain"}, b"word\n" * 2000
        return 404, {}, b""

    with Stub(refuse_at_length) as stub, pytest.raises(EndpointRefused) as raised:
        push_graph(build_dir / "reformgraph.nt", f"{stub.url}/store")
    assert raised.value.excerpt == "word " * 60 + "…"
    assert str(raised.value).count("word") == 60


def test_a_password_the_endpoint_echoes_in_its_error_is_blanked_out(build_dir: Path) -> None:
    # The first 300 characters of an error answer are shown: a server may quote the
    # credentials it was sent.
    echoed = f"internal error: bad credentials editor:{PASSWORD} for realm".encode()

    def echo(seen: Seen) -> Reply:
        if seen.method == "GET" and seen.path.startswith("/store"):
            return 404, {}, b""
        return 400, {"Content-Type": "text/plain"}, echoed

    login = ("--user", "editor", "--password", PASSWORD)
    with Stub(echo) as stub:
        pushed = invoke("push", "--endpoint", stub.url + "/store", *login, "--out", str(build_dir))
        queried = invoke("query", "cases", "--endpoint", stub.url + "/query", *login)
    # a query the endpoint refuses is bad input (2); a refused upload, the endpoint's (3)
    for result, code in ((pushed, 3), (queried, 2)):
        assert result.exit_code == code, result.output
        assert "bad credentials editor:*** for realm" in " ".join(result.output.split())
        assert PASSWORD not in result.output
        no_traceback(result)


def test_an_authorization_header_the_endpoint_echoes_is_blanked_out() -> None:
    # A server that quotes the request's headers gives the password away in base64.
    token = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    echoed = f"denied; header was: Authorization: Basic {token}".encode()

    def echo(seen: Seen) -> Reply:
        return 400, {"Content-Type": "text/plain"}, echoed

    login = ("--user", "editor", "--password", PASSWORD)
    with Stub(echo) as stub:
        queried = invoke("query", "cases", "--endpoint", stub.url + "/query", *login)
    assert queried.exit_code == 2, queried.output
    assert "Authorization: Basic ***" in queried.output
    assert token not in queried.output
    no_traceback(queried)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            "push --endpoint ftp://example.org/store",
            "not an http(s) URL (e.g. http://localhost:7878/store)",
        ),
        ("query cases --endpoint notaurl", "not an http(s) URL (e.g. http://localhost:7878/query)"),
        (
            "push --endpoint http://127.0.0.1:1/store --update-endpoint ftp://x/u",
            "not an http(s) URL (e.g. http://localhost:7878/update)",
        ),
        ("push --endpoint http://127.0.0.1:1/store --named-graph urn", "is not an absolute IRI"),
        ("push --endpoint http://127.0.0.1:1/store --auth ntlm", "--auth 'ntlm'"),
        ("push --endpoint http://127.0.0.1:1/store --password x", "give --user"),
        ("query cases --named-graph https://example.org/g", "needs --endpoint"),
        ("query cases --endpoint http://127.0.0.1:1/query --out build", "leave out --graph"),
    ],
)
def test_bad_remote_options_are_named_before_anything_is_sent(
    build_dir: Path, words: str, message: str
) -> None:
    more = ["--out", str(build_dir)] if words.startswith("push") else []
    result = cli(words, *more)
    assert result.exit_code == 2, result.output
    assert message in result.output
    no_traceback(result)


SPARQL_JSON = {"content-type": "application/sparql-results+json"}
HEAD = b'{"head":{"vars":["case","title"]},"results":{"bindings":['


def binding(n: int) -> bytes:
    return (
        b'{"case":{"type":"uri","value":"https://example.org/case/%d"},'
        b'"title":{"type":"literal","value":"\xe6\xa1\x88\xe4\xbe\x8b %d","xml:lang":"zh"}}'
        % (n, n)
    )


def test_a_remote_select_s_rows_are_read_as_the_endpoint_sends_them() -> None:
    from reformgraph.queries import load_query
    from reformgraph.remote import stream_endpoint

    first_row_read = threading.Event()
    waited: list[bool] = []

    def answer(seen: Seen) -> Reply:
        rest = b",".join(binding(n) for n in range(1, 2000)) + b"]}}"
        wait = lambda: waited.append(first_row_read.wait(10))  # noqa: E731
        return 200, SPARQL_JSON, Parts([HEAD + binding(0) + b",", wait, rest])

    query = load_query("SELECT ?case ?title WHERE { ?case ?p ?title }", Path.cwd())
    with Stub(answer) as stub, stream_endpoint(stub.url + "/query", query) as answered:
        rows = iter(answered.rows)
        first = next(rows)
        first_row_read.set()
        rest = list(rows)
    assert waited == [True], "the first row came only once the whole answer had"
    assert answered.variables == ["case", "title"]
    assert first == (
        ox.NamedNode("https://example.org/case/0"),
        ox.Literal("案例 0", language="zh"),
    )
    assert len(rest) == 1999
    assert rest[-1][0] == ox.NamedNode("https://example.org/case/1999")


@pytest.mark.parametrize("output", [[], ["--save", "answer.csv"]], ids=["printed", "saved"])
def test_an_answer_cut_off_midway_is_a_clear_remote_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answer.csv").write_text("the last answer", encoding="utf-8")
    sent = HEAD + b",".join(binding(n) for n in range(50)) + b","

    def cut_off(seen: Seen) -> Reply:
        return 200, SPARQL_JSON, Parts([sent], length=len(sent) + 10_000)

    with Stub(cut_off) as stub:
        result = invoke("query", "cases", "--endpoint", stub.url + "/query", "-f", "csv", *output)
    assert result.exit_code == 3, result.output
    assert f"reading the answer: the connection to {stub.url}/query broke" in result.output
    no_traceback(result)
    assert (tmp_path / "answer.csv").read_text(encoding="utf-8") == "the last answer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.csv"]


def test_malformed_results_midway_are_named() -> None:
    def broken(seen: Seen) -> Reply:
        return 200, SPARQL_JSON, Parts([HEAD + binding(0) + b',{"case":{"type":'])

    with Stub(broken) as stub:
        result = invoke("query", "cases", "--endpoint", stub.url + "/query", "-f", "json")
    assert result.exit_code == 3
    assert f"{stub.url}/query sent malformed query results" in result.output
    no_traceback(result)


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_xml_and_tsv_results_read_as_json_ones(oxigraph: Oxigraph, output_format: str) -> None:
    """An endpoint may answer in another SPARQL results format than the one asked for."""
    query = "SELECT ?s ?o WHERE { VALUES (?s ?o) { (<https://example.org/a> 'x'@zh) } }"

    def answering_in(media: str) -> Callable[[Seen], Reply]:
        def handle(seen: Seen) -> Reply:
            seen.headers["accept"] = media
            return forward(oxigraph.query.rsplit("/", 1)[0], seen)

        return handle

    outputs = []
    for media in ("application/sparql-results+json", SPARQL_XML, SPARQL_TSV):
        with Stub(answering_in(media)) as stub:
            endpoint = stub.url + "/query"
            result = invoke("query", query, "--endpoint", endpoint, "-f", output_format)
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "https://example.org/a" in outputs[0]


SPARQL_XML = "application/sparql-results+xml"
SPARQL_TSV = "text/tab-separated-values"


def test_excel_safe_quotes_a_formula_of_an_endpoints_tsv_answer_and_keeps_its_numbers() -> None:
    """TSV results say each value's type: with --excel-safe the label =SUM(1+1) and the
    string "-3" are quoted, the integer -3 and the decimal -2.5 are not; without it, every
    value is as the endpoint sent it (W3C CSV)."""
    answer = b'?l\t?n\n"=SUM(1+1)"@zh\t-3\n"-3"\t-2.5\n'

    def tsv(seen: Seen) -> Reply:
        return 200, {"content-type": SPARQL_TSV}, answer

    query = "SELECT ?l ?n WHERE { ?s ?l ?n }"
    printed = []
    with Stub(tsv) as stub:
        for options in ([], ["--excel-safe"]):
            endpoint = stub.url + "/query"
            result = invoke("query", query, "--endpoint", endpoint, "-f", "csv", *options)
            assert result.exit_code == 0, result.output
            printed.append(result.stdout_bytes.decode("utf-8"))
    assert printed == [
        "\ufeffl,n\r\n=SUM(1+1),-3\r\n-3,-2.5\r\n",
        '\ufeff"l","n"\r\n"\'=SUM(1+1)","-3"\r\n"\'-3","-2.5"\r\n',
    ]


@pytest.mark.parametrize(
    ("query", "output_format"),
    [
        ("incomplete-case-violation", "table"),
        ("incomplete-case-violation", "csv"),
        ("incomplete-case-violation", "json"),
        # saved queries whose comments say "from" or "graph" (they name no graph)
        ("cases", "csv"),
        ("figures", "table"),
        ("ASK { ?case a rg:ReformCase }", "table"),
        ("CONSTRUCT { ?case a rg:ReformCase } WHERE { ?case a rg:ReformCase }", "nt"),
    ],
)
def test_an_answer_with_nothing_from_a_graph_with_nothing_in_it_is_refused(
    oxigraph: Oxigraph, build_dir: Path, query: str, output_format: str
) -> None:
    """A graph named wrongly, or never pushed, is empty: its "no rows" would pass for a
    consistency check passed, its "no" for a fact the data does not hold."""
    graph = "https://example.org/graph/checked"
    pushed = cli(f"push --endpoint {oxigraph.store} --named-graph {graph}", "--out", str(build_dir))
    assert pushed.exit_code == 0, pushed.output
    pushed_there = cli(
        "query", query, "-f", output_format, "--endpoint", oxigraph.query, "--named-graph", graph
    )
    assert pushed_there.exit_code == 0, pushed_there.output
    typo = graph + "s"
    result = cli(
        "query", query, "-f", output_format, "--endpoint", oxigraph.query, "--named-graph", typo
    )
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"the graph <{typo}> of {oxigraph.query} holds no triples (or is not there)" in said
    assert "give --named-graph the graph the data was pushed into" in said
    assert "0 row(s)" not in said
    no_traceback(result)
    if query == "incomplete-case-violation":  # a case parameter is not told of no such case
        figures = cli(
            "query figures -p case=big-fiscal-system --endpoint",
            oxigraph.query,
            "--named-graph",
            typo,
        )
        assert figures.exit_code == 2, figures.output
        assert f"the graph <{typo}> of {oxigraph.query} holds no triples" in " ".join(
            figures.output.split()
        )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("SELECT ?s FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT ?s FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("select ?s where { graph <urn:g> { ?s ?p ?o } }", True),
        ("# the labels, from the node itself\nSELECT ?s WHERE { ?s ?p ?o }", False),
        ('SELECT ?s WHERE { ?s ?p "from a graph" }', False),
        ("SELECT ?graph WHERE { ?graph <urn:from> ?from . ?graph ex:graph ex:FROM }", False),
    ],
)
def test_only_from_or_graph_as_keywords_make_a_query_name_its_graphs(
    text: str, names: bool
) -> None:
    # The word "from" in a comment of a saved query (cases, figures …) passed for a FROM
    # clause: a misspelt --named-graph then answered "0 row(s)" instead of being refused.
    from reformgraph.queries import names_its_graphs

    assert names_its_graphs(text) is names


def test_a_query_that_names_its_graphs_may_find_nothing_where_the_default_graph_is_empty(
    oxigraph: Oxigraph,
) -> None:
    empty = "https://example.org/graph/never-pushed"
    for text in (
        "SELECT ?case WHERE { GRAPH ?g { ?case a rg:ReformCase } }",
        f"SELECT ?case FROM <{empty}> WHERE {{ ?case a rg:ReformCase }}",
    ):
        result = cli("query", text, "--endpoint", oxigraph.query, "--named-graph", empty)
        assert result.exit_code == 0, result.output
        assert "0 row(s)" in result.output


def test_a_query_the_endpoint_rejects_is_bad_input(oxigraph: Oxigraph) -> None:
    result = invoke("query", "SELECT * WHERE { ?s ?p }", "--endpoint", oxigraph.query)
    assert result.exit_code == 2
    assert f"{oxigraph.query} rejected the query" in result.output
    # read here too: the line of the query, and a caret under where it stops being SPARQL
    assert "  1 | SELECT * WHERE { ?s ?p }\n" in result.output, result.output
    assert "^" in result.output
    no_traceback(result)


def test_a_placed_pattern_that_cannot_stand_there_is_named_by_its_line_at_an_endpoint(
    oxigraph: Oxigraph,
) -> None:
    # "# if bound ?type: ?x a ?type" without its "." reads as a comment unbound; bound, the
    # endpoint stopped at the next line, which is right (as the query does locally).
    from .test_queries import _PLACED_QUERY

    text = _PLACED_QUERY.replace("?x a ?type .", "?x a ?type")
    result = invoke("query", text, "-p", "type=rg:Platform", "--endpoint", oxigraph.query)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert (
        f"{oxigraph.query} rejected the query: line 7: the pattern of '# if bound ?type:'"
        " (?x a ?type) cannot stand there once ?type is bound"
    ) in said, result.output
    no_traceback(result)


def test_an_undeclared_prefix_is_named_remotely_as_locally(oxigraph: Oxigraph) -> None:
    # The endpoint answered with Oxigraph's grammar ("expected one of Prefix not found, …").
    result = invoke("query", "SELECT ?x WHERE { ?x foaf:name ?n }", "--endpoint", oxigraph.query)
    assert result.exit_code == 2
    assert f"{oxigraph.query} rejected the query" in result.output
    assert "line 1, column 22: unknown prefix foaf:" in " ".join(result.output.split())
    no_traceback(result)


def test_a_remote_syntax_error_is_placed_in_the_query_as_written(oxigraph: Oxigraph) -> None:
    # The prefixes declared for the endpoint took a line of their own: every error was
    # reported a line too far.
    # Now read here too, it is placed as a local query's error is: in the query as written.
    text = "SELECT ?case\nWHERE {\n  ?case a rg:ReformCase ; ?p\n}"
    result = invoke("query", text, "--endpoint", oxigraph.query)
    assert result.exit_code == 2
    assert "syntax error at line 3, column 27" in result.output, result.output
    assert "  3 |   ?case a rg:ReformCase ; ?p\n" in result.output
    one_line = invoke(
        "query", "SELECT ?c WHERE { ?c a rg:ReformCase ; ?p }", "--endpoint", oxigraph.query
    )
    assert "syntax error at line 1, column 40" in one_line.output, one_line.output


def test_a_missing_build_is_named_before_pushing(tmp_path: Path) -> None:
    result = invoke("push", "--endpoint", "http://127.0.0.1:1/store", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "reformgraph build" in result.output


# --------------------------------------------------------------------------- serve


def reformgraph_script() -> str:
    script = Path(sys.executable).parent / "reformgraph"
    return str(script) if script.is_file() else str(shutil.which("reformgraph"))


@contextmanager
def serving(build_dir: Path, port: int, *options: str) -> Iterator[subprocess.Popen[str]]:
    """``reformgraph serve`` on ``port`` in a process of its own, killed if it is still
    running after 30 s or when the block ends."""
    process = subprocess.Popen(
        [reformgraph_script(), "serve", "--port", str(port), "--out", str(build_dir), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_offers_saved_queries_that_answer_as_locally_and_stops_on_ctrl_c(
    build_dir: Path, local_results: dict[str, dict[str, Any]]
) -> None:
    from urllib.parse import parse_qs

    port = free_port()
    with serving(build_dir, port) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(lines)
        base = f"http://127.0.0.1:{port}"
        assert f"query page:      {base}/\n" in text
        assert f"query endpoint:  {base}/query\n" in text
        # Piped (a log, as under systemd): each query's name and question, and how to open
        # it, not its whole query in a link (67 KB of %20%3F in all).
        questions = dict(re.findall(r"^  ([a-z-]+): (.+)$", text, re.M))
        assert questions == {name: saved.question for name, saved in saved_queries().items()}
        assert "paste the text `reformgraph query --list NAME` prints into the query page" in text
        assert "%20" not in text
        assert len(text) < 5000
        listed = invoke("query", "--list", "cases")  # the text to paste, as said
        assert listed.exit_code == 0, listed.output
        assert saved_queries()["cases"].text.strip() in listed.stdout
        with httpx.Client(headers={"Accept": "application/sparql-results+json"}) as client:
            for name, saved in saved_queries().items():
                link = query_link(base, saved.text)  # the link each name is on a terminal
                # each link is the query page with the query, and the endpoint to send it to
                page, _, given = link.partition("?")
                assert page == f"{base}/"
                fields = parse_qs(given)
                assert fields["endpoint"] == [f"{base}/query"]
                response = client.get(fields["endpoint"][0], params={"query": fields["query"][0]})
                assert response.status_code == 200, (name, response.text)
                assert_same_results(name, local_results[name], response.json())
            refused = client.post(
                f"{base}/update",
                content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                headers={"Content-Type": "application/sparql-update"},
            )
            assert refused.status_code == 403  # read-only
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in err
    with socket.socket() as probe:  # the server is gone with it
        probe.bind(("127.0.0.1", port))


def test_serve_with_a_timeout_stops_a_query_that_runs_longer(build_dir: Path) -> None:
    # Three copies of every triple, joined: years of work, unless the server stops it.
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    port = free_port()
    with serving(build_dir, port, "--timeout", "1") as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Press Ctrl-C"):
                break
        answer = httpx.get(f"http://127.0.0.1:{port}/query", params={"query": endless}, timeout=25)
        assert "cancelled" in answer.text, answer.text[:500]


def test_the_server_ends_with_serve_even_when_serve_is_killed(build_dir: Path) -> None:
    port = free_port()
    with serving(build_dir, port) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Press Ctrl-C"):
                break
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        process.kill()  # kill -9: serve cannot stop its server itself
        process.communicate(timeout=10)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", port))
            break
        except OSError:
            assert time.monotonic() < deadline, "the Oxigraph server outlived serve"
            time.sleep(0.2)


def test_serve_on_a_busy_port_names_it(build_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke("serve", "--port", str(port), "--out", str(build_dir))
    assert result.exit_code == 3
    assert f"127.0.0.1:{port} is already in use" in result.output
    assert "--port" in result.output
    no_traceback(result)


def test_serve_without_a_build_says_how_to_make_one(tmp_path: Path) -> None:
    result = invoke("serve", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "reformgraph build" in result.output


def test_serve_reports_why_the_server_would_not_start(build_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(build_dir / "store", tmp_path / "store")
    writer = ox.Store(str(tmp_path / "store"))  # holds the store's write lock
    try:
        result = invoke("serve", "--writable", "--port", str(free_port()), "--out", str(tmp_path))
    finally:
        del writer
    assert result.exit_code == 3
    assert "stopped while starting" in result.output
    assert "LOCK" in result.output
    assert "Stack backtrace" not in result.output
    no_traceback(result)


# --------------------------------------------------------------------------- where serve listens


@pytest.mark.parametrize(
    ("addresses", "loopback"),
    [
        (["127.0.0.1"], True),
        (["::1", "127.0.1.1"], True),
        (["127.0.1.1", "192.168.1.5"], False),  # the warning is due: one address is not local
        (["192.168.1.5"], False),
        ([], False),
    ],
)
def test_a_host_is_loopback_only_when_every_address_it_resolves_to_is(
    monkeypatch: pytest.MonkeyPatch, addresses: list[str], loopback: bool
) -> None:
    from reformgraph import server

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> list[Any]:
        assert host == "myhost"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    monkeypatch.setattr(server.socket, "getaddrinfo", resolve)
    assert server.is_loopback("myhost") is loopback


def test_a_host_that_does_not_resolve_is_not_taken_for_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reformgraph import server

    def fail(*args: object, **kwargs: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(server.socket, "getaddrinfo", fail)
    assert server.is_loopback("nowhere.invalid") is False
    assert server.is_loopback("localhost") is True


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:7878"),
        ("::", "http://[::1]:7878"),
        ("", "http://127.0.0.1:7878"),
        ("127.0.0.1", "http://127.0.0.1:7878"),
        ("::1", "http://[::1]:7878"),
        ("example.org", "http://example.org:7878"),
    ],
)
def test_the_url_serve_prints_for_a_wildcard_host_is_a_loopback_one(host: str, url: str) -> None:
    # http://0.0.0.0:7878/ is no address a browser can open on every system.
    from reformgraph import server

    assert server.base_url(host, 7878) == url


@pytest.mark.skipif(sys.platform == "win32", reason="TIME_WAIT reuse is POSIX behaviour")
def test_a_port_whose_last_connection_is_still_closing_is_free_to_serve_on() -> None:
    # The server closed its side first, so the port is in TIME_WAIT: the server itself
    # (SO_REUSEADDR) may listen there again, and so the check must say it is free.
    from reformgraph import server

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()
        time.sleep(0.05)
        client.close()
    server.check_port("127.0.0.1", port)


@pytest.mark.parametrize(
    ("host", "addresses", "page", "warned"),
    [
        ("0.0.0.0", ["0.0.0.0"], "http://127.0.0.1:7878/", True),
        ("myhost", ["127.0.1.1", "192.168.1.5"], "http://myhost:7878/", True),
        ("myhost", ["127.0.1.1"], "http://myhost:7878/", False),
        ("127.0.0.1", ["127.0.0.1"], "http://127.0.0.1:7878/", False),
    ],
)
def test_serve_warns_when_others_can_reach_it_and_prints_links_a_browser_here_opens(
    build_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    addresses: list[str],
    page: str,
    warned: bool,
) -> None:
    # The server itself is left out (it would listen where others can reach it): what
    # serve prints around it is the subject here.
    from contextlib import contextmanager

    from reformgraph import server

    class Started:
        def __init__(self, host: str, port: int) -> None:
            self.url = server.base_url(host, port)

        def run_until_stopped(self) -> None:
            return None

    @contextmanager
    def start(command: list[str], host: str, port: int, env: object = None) -> Iterator[Started]:
        yield Started(host, port)

    def resolve(name: str, *args: object, **kwargs: object) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    monkeypatch.setattr(server, "start_server", start)
    monkeypatch.setattr(server.socket, "getaddrinfo", resolve)
    result = invoke("serve", "--host", host, "--port", "7878", "--out", str(build_dir))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert f"query page:      {page}\n" in result.stdout
    assert ("anyone who can reach this machine can query the graph" in result.stderr) is warned
    assert ("have this machine send requests" in result.stderr) is warned
    assert ("--timeout SECONDS bounds a query" in result.stderr) is warned


def test_an_address_not_of_this_machine_is_not_reported_as_a_port_in_use() -> None:
    # EADDRNOTAVAIL: 10.255.255.1 is no interface here; it said "already in use".
    from reformgraph import server

    with pytest.raises(ServerError, match="no address of this machine") as raised:
        server.check_port("10.255.255.1", 7905)
    assert not isinstance(raised.value, PortInUse)


@pytest.mark.parametrize(
    "value",
    ['他说"改革"', 'a \\" b', "two\nlines"],
    ids=["double-quote", "backslash-and-quote", "newline"],
)
def test_a_parameter_value_sent_to_an_endpoint_arrives_as_the_same_literal(value: str) -> None:
    # `query --endpoint` sends parameters as a VALUES block of the query text: a value
    # holding a double quote must stay one literal, not end it and become query text.
    from reformgraph.queries import Term
    from reformgraph.remote import with_values

    text = with_values("SELECT ?t WHERE { }", {"t": Term("literal", value, language="zh")})
    rows = list(ox.Store().query(text))
    assert [row["t"] for row in rows] == [ox.Literal(value, language="zh")]


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?t # a comment with a { brace\nWHERE { BIND ("{" AS ?s) }',
        "SELECT * FROM <urn:x:g> { OPTIONAL { ?a ?b ?c } }",
        "ASK { FILTER (?t != 1) }",
        "CONSTRUCT { <urn:x:s> <urn:x:p> ?t } WHERE { }",
        "CONSTRUCT WHERE { ?t ?p ?o }",
        "DESCRIBE ?t",
        "PREFIX ex: <urn:x:> select ?t where { { SELECT ?u WHERE { } } }",
    ],
    ids=["comment-and-string", "from", "ask", "construct", "short-construct", "describe", "prefix"],
)
def test_parameters_sent_to_an_endpoint_make_a_query_it_can_read(text: str) -> None:
    from reformgraph.queries import Term
    from reformgraph.remote import with_values_for_endpoint

    value = Term("literal", "改革", language="zh")
    sent = with_values_for_endpoint(text, {"t": value})
    ox.Store().query(sent)  # parses
    assert sent.count('"改革"@zh') == 1
    if text.startswith(("SELECT", "PREFIX")):
        rows = list(ox.Store().query(sent))
        assert rows
        assert all(row["t"] == ox.Literal("改革", language="zh") for row in rows)


@pytest.mark.parametrize("output_format", ["nt", "ttl"])
def test_a_construct_answer_of_an_endpoint_prints_as_the_same_rdf_as_locally(
    oxigraph: Oxigraph, build_dir: Path, output_format: str
) -> None:
    pushed = invoke("push", "--endpoint", oxigraph.store, "--build", str(build_dir))
    assert pushed.exit_code == 0, pushed.output
    text = "CONSTRUCT { ?c rg:position ?p } WHERE { ?c a rg:ReformCase ; rg:position ?p }"
    local = invoke("query", text, "-f", output_format, "--build", str(build_dir))
    remote = invoke("query", text, "-f", output_format, "--endpoint", oxigraph.query)
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout_bytes == local.stdout_bytes
    assert local.stdout.count("rg:position") == 8 or local.stdout.count("/position>") == 8
