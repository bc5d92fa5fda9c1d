"""The ontology as a consumer's reasoner reads it (OWL 2 RL, as GraphDB or RDFox apply it)."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyshacl
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import ORG, RDFS, SKOS

from reformgraph.build import ENTITY_CLASSES
from reformgraph.models import RG, EntityType
from reformgraph.project import ontology_file

EX = "http://example.org/elsewhere/"


@pytest.fixture(scope="module")
def closure() -> Graph:
    """The ontology with a concept and an organisation of another dataset, and one body of
    ours, closed under the OWL 2 RL rules."""
    graph = Graph()
    graph.parse(ontology_file("reformgraph.ttl"), format="turtle")
    graph.add((URIRef(EX + "eurovoc-concept"), RDF.type, SKOS.Concept))
    graph.add((URIRef(EX + "acme"), RDF.type, ORG.Organization))
    graph.add((URIRef(EX + "a-department"), RDF.type, RG.GovernmentBody))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_reasoning_leaves_the_classes_of_other_datasets_alone(closure: Graph) -> None:
    # owl:equivalentClass to a union made every skos:Concept an rg:Entity, and every
    # org:Organization an rg:Actor, of any dataset in the same repository.
    assert (URIRef(EX + "eurovoc-concept"), RDF.type, RG.Entity) not in closure
    assert (URIRef(EX + "acme"), RDF.type, RG.Actor) not in closure
    assert (URIRef(EX + "acme"), RDF.type, RG.Entity) not in closure


def test_reasoning_finds_our_bodies_actors_and_entities(closure: Graph) -> None:
    department = URIRef(EX + "a-department")
    assert (department, RDF.type, RG.Actor) in closure
    assert (department, RDF.type, RG.Entity) in closure
    assert (department, RDF.type, ORG.Organization) in closure


@pytest.mark.parametrize(
    "kind", [k for k in EntityType if k is not EntityType.ORGANISATION], ids=lambda k: k.value
)
def test_every_class_of_our_entities_is_declared_an_entity(kind: EntityType) -> None:
    """Each class build gives an entity is, by rdfs:subClassOf alone, an rg:Entity (what
    `query shared-entities -p type=rg:Entity` matches); only plain org:Organization, a
    class we do not own, is not."""
    ontology = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    supers = set(ontology.transitive_objects(ENTITY_CLASSES[kind], RDFS.subClassOf))
    assert RG.Entity in supers
    if kind.is_organisation or kind is EntityType.ADMINISTRATIVE_AREA:
        assert RG.Actor in supers


def test_a_published_file_conforms_to_the_shapes_given_the_ontology_as_the_readme_says(
    build_dir: Path,
) -> None:
    """`pyshacl -s ontology/shapes.ttl -e ontology/reformgraph.ttl build/reformgraph.ttl`."""
    data = Graph().parse(build_dir / "reformgraph.ttl", format="turtle")
    shapes = Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    ontology = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text
    # Without the class hierarchy the shapes of rg:Place and the like find no targets, and
    # sh:class rg:Place fails on 湖北 (rg:AdministrativeArea): why the README says -e.
    alone, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert not alone
    assert "rg:Place" in text or "ontology/Place" in text


def test_every_property_shape_says_in_english_what_it_requires() -> None:
    """A shape without a message of its own reported pySHACL's words for each constraint
    apart ("Less than 1 values on …", then "Value does not have class …"), not what the
    property needs ("needs exactly one rg:responsibleOffice, an rg:ReformOffice")."""
    from rdflib.namespace import SH

    shapes = Graph().parse(ontology_file("shapes.ttl"))
    properties = set(shapes.objects(None, SH.property)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    unsaid = []
    for shape in properties:
        english = [
            m for m in shapes.objects(shape, SH.message) if getattr(m, "language", None) == "en"
        ]
        if len(english) != 1:
            owner = next(shapes.subjects(SH.property, shape), shape)
            unsaid.append(f"{owner.n3(shapes.namespace_manager)} {shapes.value(shape, SH.path)}")
    assert len(properties) > 100
    assert not unsaid, sorted(unsaid)


#: Terms whose kind OWL 2 itself fixes: the built-in annotation properties, and the
#: vocabulary the RDF mapping of OWL 2 uses to write axioms.
_OWL_BUILT_IN = {
    str(RDFS.label),
    str(RDFS.comment),
    str(RDFS.seeAlso),
    str(RDFS.isDefinedBy),
    str(RDF.type),
    str(RDF.first),
    str(RDF.rest),
    str(RDFS.subClassOf),
    str(RDFS.subPropertyOf),
    str(RDFS.domain),
    str(RDFS.range),
    *(
        "http://www.w3.org/2002/07/owl#" + name
        for name in (
            "versionInfo",
            "versionIRI",
            "unionOf",
            "oneOf",
            "differentFrom",
            "sameAs",
            "members",
            "disjointWith",
        )
    ),
}


def test_every_term_the_ontology_and_the_data_use_is_declared_with_one_owl_kind(
    graph: Graph,
) -> None:
    """OWL 2 DL: every class and property an axiom or a triple of the data uses is declared
    (an OWL tool otherwise guesses, or rejects the file), with one kind only (a property
    both an object and an annotation property is punning we do not mean), and the data
    uses each as declared: an object property never takes a literal, a datatype property
    always does."""
    from rdflib import OWL, Literal
    from rdflib.collection import Collection

    ontology = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    kinds: dict[str, set[str]] = {}
    for term, kind in ontology.subject_objects(RDF.type):
        kinds.setdefault(str(term), set()).add(str(kind))
    property_kinds = {str(OWL[k]) for k in ("ObjectProperty", "DatatypeProperty")}
    property_kinds.add(str(OWL.AnnotationProperty))
    undeclared: set[str] = set()

    def needs(term: object, wanted: set[str], role: str) -> None:
        if isinstance(term, URIRef) and not kinds.get(str(term), set()) & wanted:
            undeclared.add(f"{role} {term}")

    classes = {str(OWL.Class)}
    for source in (ontology, graph):
        for _s, predicate, _o in source:
            if str(predicate) not in _OWL_BUILT_IN:
                needs(predicate, property_kinds, "property")
        for kind in set(source.objects(None, RDF.type)):
            if not str(kind).startswith(str(OWL)) and kind != RDFS.Datatype:
                needs(kind, classes, "class")
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        needs(sub, classes, "class")
        needs(sup, classes, "class")
    for sup in ontology.objects(None, RDFS.subPropertyOf):
        needs(sup, property_kinds, "property")
    for members in ontology.objects(None, OWL.unionOf):
        for member in Collection(ontology, members):
            if not str(member).startswith("http://www.w3.org/2001/XMLSchema#"):
                needs(member, classes, "class")
    for disjoint in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in ontology.objects(disjoint, OWL.members):
            for member in Collection(ontology, members):
                needs(member, classes, "class")
    for first, second in ontology.subject_objects(OWL.disjointWith):
        needs(first, classes, "class")
        needs(second, classes, "class")
    assert not undeclared, sorted(undeclared)

    exclusive = [str(OWL.Class), *sorted(property_kinds)]
    punned = {t: k for t, k in kinds.items() if len(k & set(exclusive)) > 1}
    assert not punned, punned

    misused = set()
    for _s, predicate, value in graph:
        declared = kinds.get(str(predicate), set())
        if str(OWL.ObjectProperty) in declared and isinstance(value, Literal):
            misused.add(f"object property {predicate} takes a literal")
        if str(OWL.DatatypeProperty) in declared and not isinstance(value, Literal):
            misused.add(f"datatype property {predicate} takes a resource")
    assert not misused, sorted(misused)


def test_every_shape_message_is_given_in_english_and_in_chinese() -> None:
    """The users read Chinese: each message says what it needs in zh as well as en, one of
    each, so that any SHACL validator can report it in either."""
    from rdflib.namespace import SH

    shapes = Graph().parse(ontology_file("shapes.ttl"))
    carriers = set(shapes.subjects(SH.message, None))
    wrong = []
    for shape in carriers:
        languages = sorted(
            str(getattr(m, "language", None)) for m in shapes.objects(shape, SH.message)
        )
        if languages != ["en", "zh"]:
            wrong.append((str(shape), languages))
    assert len(carriers) > 100
    assert not wrong, wrong[:5]


def test_the_members_of_each_enumeration_are_declared_different_from_each_other() -> None:
    """OWL makes no unique name assumption: without owl:AllDifferent, a reasoner may take
    rg:exact and rg:moreThan for one individual, and the owl:oneOf of rg:Qualifier for a
    class of one member."""
    from rdflib import OWL
    from rdflib.collection import Collection

    ontology = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    different = [
        set(Collection(ontology, members))
        for group in ontology.subjects(RDF.type, OWL.AllDifferent)
        for members in ontology.objects(group, OWL.members)
    ]
    enumerations = {
        cls: set(Collection(ontology, members))
        for cls, members in ontology.subject_objects(OWL.oneOf)
    }
    assert len(enumerations) >= 6
    undeclared = [str(cls) for cls, members in enumerations.items() if members not in different]
    assert not undeclared, undeclared


_ERR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def _owl_rl_errors(graph: Graph) -> list[str]:
    """The inconsistencies owlrl finds closing ``graph`` under the OWL 2 RL rules (it adds
    them to the graph as error messages)."""
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return sorted(str(message) for message in graph.objects(None, _ERR))


def test_the_data_closed_under_owl_rl_is_consistent_with_the_ontology(
    real_or_synthetic_build: Path,
) -> None:
    """The disjoint classes (a figure is no measure, a case no entity …), the domains and
    ranges and the enumerations hold of the data: OWL 2 RL finds no inconsistency."""
    graph = Graph().parse(real_or_synthetic_build / "reformgraph.nt", format="nt")
    graph.parse(ontology_file("reformgraph.ttl"), format="turtle")
    errors = _owl_rl_errors(graph)
    assert not errors, errors[:5]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (RG.Figure, RG.Measure),
        (RG.Figure, RG.Ranking),
        (RG.ReformCase, RG.GovernmentBody),
        (RG.Evidence, RG.Figure),
        (RG.Recognition, RG.Pilot),
        (RG.Platform, RG.PolicyDocument),
        (RG.Site, RG.AdministrativeArea),
        (RG.OrganisationGroup, RG.GovernmentBody),
        (RG.LegislativeBody, RG.GovernmentBody),
        (RG.LegislativeBody, RG.PartyBody),
        (RG.ReformOffice, RG.Enterprise),
        (RG.PartyBody, RG.Enterprise),
    ],
    ids=lambda c: str(c).rsplit("/", 1)[-1],
)
def test_a_resource_of_two_disjoint_kinds_is_an_inconsistency_to_a_reasoner(
    first: URIRef, second: URIRef
) -> None:
    """Without disjointness axioms a reasoner took a figure that is also a measure, or a
    case that is also an organisation, as it came."""
    graph = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    both = URIRef(EX + "both")
    graph.add((both, RDF.type, first))
    graph.add((both, RDF.type, second))
    errors = _owl_rl_errors(graph)
    assert any(str(both) in error for error in errors), errors


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (RG.ReformOffice, RG.PartyBody),
        (RG.ReformOffice, RG.GovernmentBody),
        (RG.PartyBody, RG.GovernmentBody),
        (RG.GovernmentBody, RG.Enterprise),
    ],
    ids=lambda c: str(c).rsplit("/", 1)[-1],
)
def test_a_body_of_two_kinds_of_organisation_that_overlap_in_fact_is_no_inconsistency(
    first: URIRef, second: URIRef
) -> None:
    """A reform office is a working body of a Party committee (or of a special group housed
    in a government department); 纪委监委 is a Party and a state commission at once; a
    state administration can be a company under another name: these kinds are not
    declared disjoint."""
    graph = Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")
    both = URIRef(EX + "both")
    graph.add((both, RDF.type, first))
    graph.add((both, RDF.type, second))
    assert _owl_rl_errors(graph) == []
