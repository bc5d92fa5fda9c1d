"""The build's outputs: three serialisations of one graph, identical bytes on every run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from reformgraph import pipeline
from reformgraph.io import read_graph
from reformgraph.models import DATA as DATA_NS
from reformgraph.models import RG

from .helpers import assert_isomorphic
from .paths import DATA

FORMATS = {
    "reformgraph.ttl": ox.RdfFormat.TURTLE,
    "reformgraph.nt": ox.RdfFormat.N_TRIPLES,
    "reformgraph.jsonld": ox.RdfFormat.JSON_LD,
}


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _term(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype in (XSD_STRING, LANG_STRING) else datatype)


def _oxigraph_graph(path: Path) -> Graph:
    graph = Graph()
    for triple in ox.parse(path=path, format=FORMATS[path.name]):
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


def test_the_build_writes_turtle_ntriples_jsonld_and_the_store(built: pipeline.BuildResult) -> None:
    assert [p.name for p in built.written] == [*FORMATS, "store"]
    assert all(p.stat().st_size > 10_000 for p in built.written[:3])
    assert (built.folder / "store").is_dir()


@pytest.fixture(scope="module")
def reference_graph() -> Graph:
    """The real data's graph as the library's ``build_graph`` makes it, in memory: not
    streamed like the build's outputs, so a triple the stream gets wrong shows."""
    from reformgraph.build import build_graph
    from reformgraph.io import load_data_folder
    from reformgraph.resolve import resolve

    return build_graph(resolve(load_data_folder(DATA)))


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_output_is_isomorphic_to_the_graph_build_graph_makes(
    build_dir: Path, reference_graph: Graph, name: str
) -> None:
    parsed = read_graph(build_dir / name)
    assert_isomorphic(reference_graph, parsed)


@pytest.mark.parametrize("name", list(FORMATS))
def test_pyoxigraph_reads_each_output_to_the_same_graph(
    build_dir: Path, graph: Graph, name: str
) -> None:
    parsed = _oxigraph_graph(build_dir / name)
    assert_isomorphic(graph, parsed)


def test_the_jsonld_has_its_context_inline(build_dir: Path) -> None:
    import json

    document = json.loads((build_dir / "reformgraph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)
    assert document["@context"]["rg"] == "https://w3id.org/reformgraph/ontology/"
    case = "rgd:case/big-fiscal-system"
    types = [t for node in document["@graph"] if node["@id"] == case for t in node["@type"]]
    assert "rg:ReformCase" in types


def test_the_outputs_keep_chinese_as_utf8_text(build_dir: Path) -> None:
    for name in FORMATS:
        text = (build_dir / name).read_bytes().decode("utf-8")
        assert "推进大财政体系建设" in text, name


def test_the_built_graph_conforms_to_the_shapes(built: pipeline.BuildResult) -> None:
    validation = built.check.validation
    assert validation.conforms, "\n".join(map(str, validation.violations))


def test_the_summary_counts_cases_measures_figures_and_shared_entities(
    built: pipeline.BuildResult,
) -> None:
    summary = built.check.summary
    assert summary.cases == 8
    assert summary.measures == 28
    assert summary.figures >= 54
    shared = {label: count for label, _kind, count in summary.shared_entities}
    assert shared["省经济体制和生态文明体制改革专项小组办公室"] == 3
    assert shared["投资项目绩效综合评价平台"] == 2
    assert shared["国有“三资”"] == 2


def test_the_summary_counts_the_instances_in_the_data_not_the_ontologys_terms(
    built: pipeline.BuildResult, graph: Graph
) -> None:
    # The store's default graph holds the ontology too: owl:Class 58, rg:Qualifier 4 …
    from collections import Counter

    from reformgraph.vocab import prefixed

    in_the_data = Counter(prefixed(str(kind)) for kind in graph.objects(None, RDF.type))
    assert built.check.summary.classes == dict(sorted(in_the_data.items()))


def _build_in_subprocess(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    code = (
        "import sys; from pathlib import Path; from reformgraph import pipeline; "
        "pipeline.build(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(DATA), str(out)], check=True, env=env)


@pytest.mark.slow
def test_two_builds_in_separate_processes_give_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _build_in_subprocess(first, "1")
    _build_in_subprocess(second, "2")
    for name in FORMATS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _violations_in_subprocess(data: Path, seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"}
    code = (
        "import sys; from reformgraph import pipeline; "
        "print(*pipeline.check(sys.argv[1]).validation.violations, sep='\\n')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        check=True,
        env=env,
        capture_output=True,
        encoding="utf-8",
    )
    return done.stdout.splitlines()


def test_violations_are_reported_in_one_order_whatever_the_hash_seed(tmp_path: Path) -> None:
    # They came in the order of a set: a CI log or a diff of two reports churned.
    # Two changes of case 07 said to go up, which their figures show going down.
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    case = data / "cases" / "07-police-dispatch-one-city-one-platform.yaml"
    text = case.read_text(encoding="utf-8")
    assert text.count("direction: decrease") == 2
    case.write_text(text.replace("direction: decrease", "direction: increase"), "utf-8")
    reports = {seed: _violations_in_subprocess(data, seed) for seed in ("1", "2", "3", "4")}
    first = reports["1"]
    assert len(first) >= 2, first
    assert all(report == first for report in reports.values()), reports


def test_iris_are_readable_slugs_and_entities_are_never_blank_nodes(graph: Graph) -> None:
    from rdflib import BNode, URIRef

    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    assert "https://w3id.org/reformgraph/id/case/big-fiscal-system" in subjects
    assert "https://w3id.org/reformgraph/id/platform/performance-evaluation-platform" in subjects
    assert "https://w3id.org/reformgraph/id/case/big-fiscal-system/measure/1" in subjects


def test_the_namespaces_make_each_term_once_and_the_same_term_as_rdflib() -> None:
    from rdflib import Namespace

    from reformgraph.models import RG

    first = RG.Measure
    assert RG.Measure is first
    assert first == Namespace(str(RG)).Measure
    assert type(first) is URIRef
    with pytest.raises(AttributeError):
        RG.__wrapped__  # noqa: B018


def test_the_build_counts_the_shared_entities_the_saved_query_counts(
    built: pipeline.BuildResult, build_dir: Path
) -> None:
    from reformgraph.engine import STORE_DIR, open_store

    counted = built.check.summary
    queried = pipeline.summarise_store(open_store(build_dir / STORE_DIR), counted.triples)
    assert counted.shared_entities == queried.shared_entities
    labels = [label for label, _kind, _cases in counted.shared_entities]
    assert labels, "the real cases share entities"


def test_hidden_files_in_the_build_folder_are_not_called_pages_of_the_previous_build(
    synthetic_build: Path, tmp_path: Path
) -> None:
    data = synthetic_build.parent / "data"
    out = tmp_path / "build"
    pipeline.build(data, out)
    (out / "cases.html").write_text("<html></html>", encoding="utf-8")
    (out / ".preview.html").write_text("<html></html>", encoding="utf-8")  # an editor's
    assert pipeline.build(data, out).stale == [out / "cases.html"]


def test_a_build_replaces_a_store_opened_read_write_since_the_last_build(
    synthetic_build: Path, tmp_path: Path
) -> None:
    # Opening a store read-write (serve --writable, pyoxigraph.Store in a notebook) makes
    # RocksDB keep its old log as LOG.old.<n>: the next build took the store for a folder
    # of the user's and refused to replace it.
    import gc

    data = synthetic_build.parent / "data"
    out = tmp_path / "build"
    pipeline.build(data, out)
    store = ox.Store(str(out / "store"))
    store.flush()
    del store
    gc.collect()
    assert any(p.name.startswith("LOG.old.") for p in (out / "store").iterdir())
    rebuilt = pipeline.build(data, out)
    assert out / "store" in rebuilt.written
    assert not any(p.name.startswith("LOG.old.") for p in (out / "store").iterdir())


#: The PROV-O axioms our ontology builds on (from https://www.w3.org/ns/prov-o, which the
#: ontology does not import): the two classes are disjoint, and these domains.
PROV_AXIOMS = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
prov:Activity owl:disjointWith prov:Entity .
prov:wasAssociatedWith rdfs:domain prov:Activity ; rdfs:range prov:Agent .
prov:used rdfs:domain prov:Activity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
"""


def test_the_data_is_consistent_with_prov_o_no_statement_is_both_activity_and_entity(
    query_graph: Graph,
) -> None:
    # A relation or pilot statement derives from its evidence (an entity); declaring it a
    # prov:Activity too made four classes unsatisfiable under PROV-O.
    import owlrl
    from rdflib.namespace import PROV

    closed = Graph()
    for triple in query_graph:
        closed.add(triple)
    closed.parse(data=PROV_AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(closed)
    both = set(closed.subjects(RDF.type, PROV.Activity)) & set(
        closed.subjects(RDF.type, PROV.Entity)
    )
    assert not both, sorted(map(str, both))[:5]


def test_no_label_is_both_preferred_and_alternative_in_one_language(query_graph: Graph) -> None:
    # SKOS integrity condition S13: skos:prefLabel and skos:altLabel are pairwise disjoint.
    clashes = list(
        query_graph.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
            " SELECT ?s ?label WHERE { ?s skos:prefLabel ?label ; skos:altLabel ?label }"
        )
    )
    assert not clashes, clashes[:5]


def test_the_source_states_its_print_edition_with_a_property_for_news_articles(
    query_graph: Graph,
) -> None:
    # schema:bookEdition is the edition of a book; schema:printEdition is the edition of the
    # print product a news article appears in, which our source is.
    schema = "http://schema.org/"
    editions = set(query_graph.objects(None, URIRef(schema + "printEdition")))
    assert editions == {Literal("print")}
    # schema.org defines schema:printEdition for a schema:NewsArticle only: a source that
    # states one is one.
    for article in query_graph.subjects(URIRef(schema + "printEdition"), None):
        assert (article, RDF.type, URIRef(schema + "NewsArticle")) in query_graph
    assert not set(query_graph.triples((None, URIRef(schema + "bookEdition"), None)))


def test_the_source_language_is_a_linguistic_system_iri_not_a_literal(graph: Graph) -> None:
    # The range of dcterms:language is dcterms:LinguisticSystem, a class of resources: a
    # literal there ("zh"^^xsd:language) is no instance of it. The ISO 639-1 code of the
    # Library of Congress is one (DCAT-AP and the LoC vocabulary both type it so).
    from rdflib.namespace import DCTERMS

    from reformgraph.build import language_iri

    languages = set(graph.objects(None, DCTERMS.language))
    assert languages == {URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")}
    assert language_iri("zh-Hans") == URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")
    assert language_iri("yue") == URIRef("http://lexvo.org/id/iso639-3/yue")


def test_part_of_is_located_in_for_places_and_is_part_of_for_the_rest(graph: Graph) -> None:
    rg = "https://w3id.org/reformgraph/ontology/"
    ids = "https://w3id.org/reformgraph/id/"
    hubei, china = URIRef(f"{ids}place/hubei"), URIRef(f"{ids}place/china")
    assert (hubei, URIRef(f"{rg}locatedIn"), china) in graph
    assert not set(graph.triples((hubei, URIRef("http://purl.org/dc/terms/isPartOf"), None)))
    parts = set(graph.subjects(URIRef("http://purl.org/dc/terms/isPartOf"), None))
    assert parts, "instruments that are parts of others"
    assert not parts & set(graph.subjects(URIRef(f"{rg}locatedIn"), None))


def test_a_cumulative_figure_says_so_and_no_other_does(graph: Graph) -> None:
    import yaml

    cumulative = {
        figure["id"]
        for path in sorted((DATA / "cases").glob("*.yaml"))
        for measure in yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]
        for figure in measure.get("figures", [])
        if figure.get("cumulative")
    }
    assert cumulative, "figures that are cumulative"
    said = {
        str(node).rsplit("/", 1)[-1]
        for node in graph.subjects(URIRef("https://w3id.org/reformgraph/ontology/cumulative"), None)
        if graph.value(node, URIRef("https://w3id.org/reformgraph/ontology/cumulative"))
        == Literal(True)
    }
    assert said == cumulative


def test_a_statement_is_attributed_to_who_made_it_not_to_who_received_it(
    query_graph: Graph,
) -> None:
    # rg:assisted and rg:assignedTo were sub-properties of prov:wasAttributedTo: under
    # PROV an assistance was attributed to the body helped, a pilot to the city that took it.
    import owlrl
    from rdflib.namespace import PROV

    rg = "https://w3id.org/reformgraph/ontology/"
    closed = Graph()
    for triple in query_graph:
        closed.add(triple)
    closed.parse(data=PROV_AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(closed)
    for received in ("assisted", "assignedTo"):
        pairs = list(closed.subject_objects(URIRef(rg + received)))
        assert pairs, received
        for node, agent in pairs:
            assert (node, PROV.wasAttributedTo, agent) not in closed, (received, node, agent)
    for made in ("assistant", "assignedBy", "ledBy"):
        pairs = list(closed.subject_objects(URIRef(rg + made)))
        assert pairs, made
        for node, agent in pairs:
            assert (node, PROV.wasAttributedTo, agent) in closed, (made, node)


def test_no_two_things_of_a_class_share_a_label_and_english_labels_hold_no_chinese(
    query_graph: Graph,
) -> None:
    # Figures were labelled "1", "3" …, rankings "rank 2 in China", changes in English with
    # Chinese numbers (baseline 120秒); rg:Pilot and rg:PilotProgramme were both 试点.
    import re
    from collections import defaultdict

    from rdflib import RDFS

    named: defaultdict[tuple[object, Literal], set[object]] = defaultdict(set)
    for node, label in query_graph.subject_objects(RDFS.label):
        assert isinstance(label, Literal)
        if label.language == "en":
            assert not re.search(r"[\u3400-\u9fff]", str(label)), (node, label)
        for kind in query_graph.objects(node, RDF.type):
            named[(kind, label)].add(node)
    shared = {key: nodes for key, nodes in named.items() if len(nodes) > 1}
    assert not shared, sorted(map(str, shared))[:5]


def test_a_change_difference_is_labelled_as_a_change_and_other_figures_as_levels(
    query_graph: Graph,
) -> None:
    # 一次派警精准率提升30.3% was labelled 一次派警精准率:30.3%, a dispatch accuracy of 30.3%.
    from rdflib import RDFS

    rg = "https://w3id.org/reformgraph/ontology/"
    differences = {
        figure: direction
        for change, figure in query_graph.subject_objects(URIRef(rg + "difference"))
        for direction in query_graph.objects(change, URIRef(rg + "direction"))
    }
    assert len(differences) >= 4
    words = {
        URIRef(rg + "increase"): ("增幅", "increase in "),
        URIRef(rg + "decrease"): ("降幅", "decrease in "),
    }
    for figure in query_graph.subjects(RDF.type, URIRef(rg + "Figure")):
        labels = {
            label.language: str(label)
            for label in query_graph.objects(figure, RDFS.label)
            if isinstance(label, Literal)
        }
        if figure in differences:
            zh, en = words[differences[figure]]
            assert zh in labels["zh"].split(":")[0], labels
            assert labels["en"].startswith(en), labels
        else:
            assert not any(w in labels["zh"] for w in ("增幅:", "降幅:")), labels
            assert not labels["en"].startswith(("increase in ", "decrease in ")), labels


@pytest.mark.parametrize(
    ("stated", "english"),
    [
        ("21.8万亿元", "21,800,000,000,000 CNY"),
        ("4583.59亿元", "458,359,000,000 CNY"),
        ("10余万家", "more than 100,000"),  # a count: no unit
        ("120秒", "120 s"),
        ("30.3%", "30.3%"),  # no space before %
        ("5%以内", "at most 5%"),
        ("20多个百分点", "more than 20 pp"),
    ],
)
def test_a_figure_s_english_label_writes_its_number_in_full_with_its_unit_s_code(
    graph: Graph, stated: str, english: str
) -> None:
    from rdflib import RDFS

    (figure,) = graph.subjects(RG.statedAs, Literal(stated, lang="zh"))
    labels = {
        x.language: str(x) for x in graph.objects(figure, RDFS.label) if isinstance(x, Literal)
    }
    assert labels["en"].rsplit(": ", 1)[1] == english, labels


def test_relations_of_one_kind_and_parties_are_told_apart_by_a_number() -> None:
    from reformgraph.build import _relation_slugs
    from reformgraph.models import JointWork, SubOrganisation

    def joint(lead: str, partner: str) -> JointWork:
        return JointWork(kind="joint-work", quote="会同", lead=lead, partners=partner)

    relations = [
        joint("a", "b"),
        joint("a", "b"),
        joint("a", "c"),
        joint("a", "b"),
        SubOrganisation(kind="sub-organisation", quote="下属", member="a", parent="b"),
    ]
    assert _relation_slugs(relations) == [
        "joint-work-a-b",
        "joint-work-a-b-2",
        "joint-work-a-c",
        "joint-work-a-b-3",
        "sub-organisation-a-b",
    ]


def test_a_ranking_label_names_its_scope_as_the_quote_does(query_graph: Graph) -> None:
    # 增速居全国第3、第2: the second ranking was labelled 营收增速:第2, with no scope.
    from rdflib import RDFS, SKOS

    rg = "https://w3id.org/reformgraph/ontology/"
    rankings = list(query_graph.subjects(RDF.type, URIRef(rg + "Ranking")))
    assert len(rankings) >= 8
    for ranking in rankings:
        scope = query_graph.value(ranking, URIRef(rg + "rankingScope"))
        names = [
            str(n)
            for p in (SKOS.prefLabel, SKOS.altLabel)
            for n in query_graph.objects(scope, p)
            if isinstance(n, Literal) and n.language == "zh"
        ]
        (label,) = (
            str(n)
            for n in query_graph.objects(ranking, RDFS.label)
            if n.language == "zh"  # type: ignore[attr-defined]
        )
        assert any(name in label for name in names), (label, names)
    revenue = URIRef(
        "https://w3id.org/reformgraph/id/case/soe-functional-reform/ranking/"
        "soe-operating-revenue-growth-rank-national"
    )
    assert Literal("营收增速:全国第2", lang="zh") in set(query_graph.objects(revenue, RDFS.label))


def test_a_claim_label_does_not_say_twice_the_words_its_claim_and_its_object_share(
    query_graph: Graph,
) -> None:
    # 在全国率先推行 + 推行“五类牌照制度” was labelled 在全国率先推行:推行“五类牌照制度”.
    from rdflib import RDFS

    rg = "https://w3id.org/reformgraph/ontology/"
    claims = list(query_graph.subjects(RDF.type, URIRef(rg + "InnovationClaim")))
    assert len(claims) >= 10
    for claim in claims:
        (label,) = (
            str(n)
            for n in query_graph.objects(claim, RDFS.label)
            if n.language == "zh"  # type: ignore[attr-defined]
        )
        claimed, _, what = label.partition(":")
        for size in range(1, min(len(claimed), len(what)) + 1):
            assert not claimed.endswith(what[:size]), label
    five = URIRef(
        "https://w3id.org/reformgraph/id/case/intelligent-connected-vehicles-pilot/claim/"
        "first-five-licence-categories"
    )
    assert Literal("在全国率先推行“五类牌照制度”", lang="zh") in set(
        query_graph.objects(five, RDFS.label)
    )


@pytest.mark.parametrize(
    ("mention", "not_inside"),
    [
        # the generic 人大常委会 was anchored inside 省人大常委会, the Hubei committee's name
        ("deputies-two-links/mention/pc-standing-committees", "省人大常委会"),
        # 武汉市 and 鄂州市 inside the reform offices' names
        ("intelligent-connected-vehicles-pilot/place/wuhan", "武汉市委改革办"),
        ("huahu-airport-opening-up/place/ezhou", "鄂州市委改革办"),
        # 全国 inside the title of a recognition, 国有企业 inside an instrument's name
        ("huahu-airport-opening-up/measure/2/mention/china", "全国智慧口岸建设典型案例"),
        (
            "soe-functional-reform/measure/1/mention/state-owned-enterprises",
            "国有企业功能性绩效评价体系",
        ),
        ("deputies-two-links/measure/1/mention/pc-deputies", "联系本级人大代表清单"),
    ],
    ids=lambda value: value.rsplit("/", 1)[-1] if "/" in value else "",
)
def test_a_mention_points_at_words_that_name_it_not_at_a_longer_name_of_another_thing(
    query_graph: Graph, mention: str, not_inside: str
) -> None:
    oa = "http://www.w3.org/ns/oa#"
    text = (DATA / "sources" / "hubei-2025-reform-cases.txt").read_text(encoding="utf-8")
    position = URIRef(f"https://w3id.org/reformgraph/id/case/{mention}/position")
    start = int(query_graph.value(position, URIRef(oa + "start")))  # type: ignore[arg-type]
    end = int(query_graph.value(position, URIRef(oa + "end")))  # type: ignore[arg-type]
    word = text[start:end]
    at = not_inside.index(word) if word in not_inside else -1
    assert at < 0 or not text.startswith(not_inside, start - at), (
        mention,
        text[start - 8 : end + 8],
    )


def test_relations_and_pilots_are_not_labelled_with_the_name_of_an_entity(
    query_graph: Graph,
) -> None:
    # The membership of 湖北省委改革办 was labelled 湖北省委改革办 (its quote), and the pilot
    # 国家级智慧口岸试点 as the programme of that name: on a Chinese page, two nodes of one name.
    from rdflib import RDFS, SKOS

    rg = "https://w3id.org/reformgraph/ontology/"
    names = {
        str(n)
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for n in query_graph.objects(None, p)
        if isinstance(n, Literal) and n.language == "zh"
    }
    kinds = ("JointWork", "Assistance", "SubOrganisation", "PilotAssignment", "Pilot")
    nodes = {n for k in kinds for n in query_graph.subjects(RDF.type, URIRef(rg + k))}
    assert len(nodes) >= 9
    for node in nodes:
        (label,) = (
            str(n)
            for n in query_graph.objects(node, RDFS.label)
            if isinstance(n, Literal) and n.language == "zh"
        )
        assert label not in names, (node, label)


def test_a_pilot_s_english_label_keeps_its_batch(query_graph: Graph) -> None:
    """试点:首批“双智试点” was "pilot: "dual intelligence" pilot", the batch dropped."""
    from rdflib import RDFS

    node = URIRef(
        "https://w3id.org/reformgraph/id/case/intelligent-connected-vehicles-pilot"
        "/pilot/dual-intelligence-first-batch"
    )
    english = {str(n) for n in query_graph.objects(node, RDFS.label) if n.language == "en"}
    assert len(english) == 1
    assert ", first batch" in english.pop()


@pytest.mark.parametrize(
    ("node", "says"),
    [
        # 承接国家发改委、工信部智能网联汽车试点任务: "pilot: intelligent connected vehicle pilot"
        (
            "intelligent-connected-vehicles-pilot/pilot/icv-pilot-task",
            ", assigned by National Development and Reform Commission and Ministry of"
            " Industry and Information Technology to Wuhan",
        ),
        # 被列入国务院高质量发展综合督查典型经验: the inspection was not in the English
        (
            "big-fiscal-system/recognition/state-council-typical-experience",
            "recognised by State Council, through State Council comprehensive inspection",
        ),
        # 获评全国智慧口岸建设典型案例: the English did not say of what
        (
            "huahu-airport-opening-up/recognition/national-smart-port-typical-case",
            ", through national typical cases of smart port construction",
        ),
    ],
    ids=["pilot-assigned", "recognition-through-inspection", "recognition-of-what"],
)
def test_an_outcome_s_english_label_says_what_its_chinese_label_says(
    query_graph: Graph, node: str, says: str
) -> None:
    from rdflib import RDFS

    iri = URIRef("https://w3id.org/reformgraph/id/case/" + node)
    english = {str(n) for n in query_graph.objects(iri, RDFS.label) if n.language == "en"}
    assert len(english) == 1, (iri, english)
    assert says in english.pop()


@pytest.mark.parametrize(
    "figure",
    [
        "three-assets-revitalised",
        "aaa-rated-enterprises",
        "new-financing",
        "existing-land-revitalised",
        "asset-value-released",
    ],
)
def test_the_figures_of_hubei_s_state_owned_enterprises_are_not_china_s(
    query_graph: Graph, figure: str
) -> None:
    """AAA级企业达到15家 (case 6) counts Hubei's SOEs (whether provincial or all, the source
    does not say); its subject was 国有企业, the nationwide group case 1 also names, so a
    reader took 15 for all of China's. Such a figure has no subject but its case."""
    rgd = "https://w3id.org/reformgraph/id/"
    node = URIRef(f"{rgd}case/soe-functional-reform/figure/{figure}")
    assert (node, RDF.type, RG.Figure) in query_graph
    assert set(query_graph.objects(node, RG.subject)) == set()


def test_a_relation_keeps_its_iri_when_another_is_added_before_it(tmp_path: Path) -> None:
    """Relations have no ids in the data: their IRIs were their places in the list
    (relation/1), so adding one before another moved every link to it."""
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    case = data / "cases" / "05-grassroots-supervision.yaml"
    text = case.read_text(encoding="utf-8")
    before = _relations(pipeline.build(data, tmp_path / "before").graph())
    added = """relations:
  - kind: joint-work
    quote: 省纪委监委协助省委制定关于加强基层监督工作的意见
    lead: [hubei-discipline-commission]
    partners: [hubei-provincial-party-committee]
"""
    case.write_text(text.replace("relations:\n", added, 1), encoding="utf-8")
    after = _relations(pipeline.build(data, tmp_path / "after").graph())
    assert before <= after
    assert len(after - before) == 1


def _relations(graph: Graph) -> set[tuple[str, str, str]]:
    """Each relation: its IRI, its kind and its quote."""
    rg = "https://w3id.org/reformgraph/ontology/"
    oa = "http://www.w3.org/ns/oa#"
    return {
        (str(node), kind, str(graph.value(evidence, URIRef(oa + "exact"))))
        for kind in ("JointWork", "Assistance", "SubOrganisation")
        for node in graph.subjects(RDF.type, URIRef(rg + kind))
        for evidence in graph.objects(
            graph.value(node, URIRef(rg + "evidence")), URIRef(oa + "hasSelector")
        )
        if graph.value(evidence, URIRef(oa + "exact")) is not None
    }


def test_the_files_are_the_same_bytes_whatever_order_the_file_system_lists_the_cases_in(
    built: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two machines list a folder in different orders; the published files must not follow it.
    listed = Path.iterdir

    def backwards(self: Path) -> object:
        return iter(sorted(listed(self), reverse=True))

    monkeypatch.setattr(Path, "iterdir", backwards)
    out = tmp_path / "build"
    pipeline.build(DATA, out)
    monkeypatch.undo()
    for name in ("reformgraph.nt", "reformgraph.ttl", "reformgraph.jsonld"):
        assert (out / name).read_bytes() == (built.folder / name).read_bytes(), name


@pytest.mark.parametrize("semicolon", [";", "\uff1b"], ids=["ascii", "full-width"])
def test_a_measure_marker_after_a_semicolon_starts_a_measure(
    tmp_path: Path, semicolon: str
) -> None:
    # As resolve documents it, 一是 … may follow a semicolon (; or U+FF1B) as well as 。: case 1
    # with 盘活3708亿元;二是加强财政风险管控 still has its four measures 一是 … 四是.
    import hashlib

    from typer.testing import CliRunner

    from reformgraph.cli import app

    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    text_path = data / "sources" / "hubei-2025-reform-cases.txt"
    text = text_path.read_text(encoding="utf-8")
    old = "盘活3708亿元。二是加强财政风险管控"
    assert text.count(old) == 1
    text_path.write_text(text.replace(old, old.replace("。", semicolon)), encoding="utf-8")
    meta = data / "sources" / "hubei-2025-reform-cases.yaml"
    recorded = hashlib.sha256(text.encode("utf-8")).hexdigest()
    digest = hashlib.sha256(text_path.read_bytes()).hexdigest()
    meta.write_text(meta.read_text(encoding="utf-8").replace(recorded, digest), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "the measures must be" not in result.output


def test_a_date_s_english_is_reformgraph_s_unless_the_curator_gives_it(tmp_path: Path) -> None:
    """A date phrase reformgraph reads whole gets its English from it (截至2024年底 → as
    of the end of 2024); a curator's ``en`` wins, and words it cannot read need one."""
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    case = data / "cases" / "01-big-fiscal-system.yaml"
    text = case.read_text(encoding="utf-8")
    start = "start: {text: 2023年9月以来, since: 2023-09}"
    assert start in text
    curated = "start: {text: 2023年9月以来, en: from September 2023 on, since: 2023-09}"
    case.write_text(text.replace(start, curated), encoding="utf-8")
    graph = pipeline.build(data, tmp_path / "out").graph()
    fiscal = DATA_NS["case/big-fiscal-system"]
    assert set(graph.objects(fiscal, RG.dateText)) == {
        Literal("2023年9月以来", lang="zh"),
        Literal("from September 2023 on", lang="en"),
    }
    generated = {
        (str(zh), str(en))
        for node in graph.subjects(RG.dateText, Literal("截至2024年底", lang="zh"))
        for zh in graph.objects(node, RG.dateText)
        if zh == Literal("截至2024年底", lang="zh")
        for en in graph.objects(node, RG.dateText)
        if isinstance(en, Literal) and en.language == "en"
    }
    assert generated == {("截至2024年底", "as of the end of 2024")}
