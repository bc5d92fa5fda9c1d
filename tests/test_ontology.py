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
