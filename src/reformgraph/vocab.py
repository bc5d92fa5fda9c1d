"""The namespaces reformgraph uses, as plain strings (light enough for any command)."""

from __future__ import annotations

__all__ = ["NAMESPACES", "prefixed"]

#: Prefix → namespace, bound in every serialisation and used to shorten IRIs in tables.
NAMESPACES: dict[str, str] = {
    "rg": "https://w3id.org/reformgraph/ontology/",
    "rgd": "https://w3id.org/reformgraph/id/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qudt": "http://qudt.org/schema/qudt/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def prefixed(iri: str) -> str:
    """``iri`` with the prefix of its namespace (``rg:Unit``, ``xsd:date``), or as it is
    if it is in none of :data:`NAMESPACES`."""
    for prefix, namespace in NAMESPACES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
