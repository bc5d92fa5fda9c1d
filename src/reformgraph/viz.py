"""Interactive graph pages: one self-contained HTML file per view, built with pyvis.

pyvis assembles the nodes, edges and vis-network options; the page itself comes from our
own template, because pyvis 0.3.2's templates load vis-network and Bootstrap from CDNs,
insert the heading unescaped and switch tooltips to ``innerHTML`` when a title contains
"href". Here vis-network's script and style (shipped inside pyvis) are inlined, every
label and tooltip reaches the page as JSON data and is shown with ``textContent``, and
nothing is loaded over the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import jinja2
import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from reformgraph.analysis import (
    case_entity_links,
    labels_zh_en,
    network_edges,
    network_kinds,
    to_networkx,
)
from reformgraph.errors import UnknownCaseError
from reformgraph.models import RG

__all__ = [
    "LARGE_VIEW",
    "STYLES",
    "VIEWS",
    "render_html",
    "render_svg",
    "select_view",
]

VIEWS = ("full", "cases")

#: Above this many nodes a page still opens, but vis-network's layout takes minutes and
#: the picture is a blur; a warning suggests a smaller view.
LARGE_VIEW = 5_000

#: Colour and shape of each kind of node, with its legend text.
STYLES: dict[str, tuple[str, str, str, str]] = {
    # kind: (colour, shape, zh, en)
    "case": ("#d62728", "star", "案例", "case"),
    "measure": ("#ff9896", "dot", "举措", "measure"),
    "figure": ("#9467bd", "diamond", "数据", "figure"),
    "change": ("#c5b0d5", "diamond", "变化", "change"),
    "ranking": ("#8c564b", "triangle", "排名", "ranking"),
    "relation": ("#7f7f7f", "square", "机构关系", "relation"),
    "recognition": ("#ffbf00", "star", "上级认可", "recognition"),
    "claim": ("#e6550d", "star", "创新性表述", "innovation claim"),
    "pilot": ("#31a354", "star", "试点", "pilot"),
    "office": ("#1f77b4", "hexagon", "改革办", "reform office"),
    "organisation": ("#aec7e8", "hexagon", "机构", "organisation"),
    "platform": ("#2ca02c", "box", "平台", "platform"),
    "instrument": ("#98df8a", "box", "政策工具", "instrument"),
    "place": ("#ff7f0e", "triangleDown", "地点", "place"),
    "event": ("#e377c2", "ellipse", "活动", "event"),
    "domain": ("#17becf", "ellipse", "改革领域", "domain"),
    "concept": ("#bcbd22", "ellipse", "概念", "concept"),
    "indicator": ("#dbdb8d", "ellipse", "指标", "indicator"),
}
_DEFAULT_STYLE = ("#cccccc", "dot", "其他", "other")


def select_view(
    graph: Graph,
    *,
    view: str = "full",
    case: str | None = None,
    construct: Graph | None = None,
) -> nx.MultiDiGraph:
    """The part of the graph a page shows.

    ``full``: everything; ``cases``: the cases and the entities that link two or more of
    them; ``case``: one case (its id or IRI) with its measures, statements and the
    entities they name; ``construct``: the nodes and edges of a CONSTRUCT query's result.
    Only ``full`` reads the whole network; the others read what they show, so one case of
    a large store takes a few lookups.
    """
    if construct is not None:
        return _from_construct(graph, construct)
    if case is not None:
        return _case_neighbourhood(graph, case)
    if view == "full":
        return to_networkx(graph)
    if view == "cases":
        return _cross_case(graph)
    raise ValueError(f"unknown view {view!r}: use one of {', '.join(VIEWS)}")


def _find_case(graph: Graph, case: str) -> URIRef:
    """The case whose IRI is ``case`` (a string or a URIRef) or ends in ``/case`` (the
    first in IRI order)."""
    text = str(case)  # a URIRef equals no plain string
    candidates = [
        node
        for node in graph.subjects(RDF.type, RG.ReformCase)
        if str(node) == text or str(node).endswith("/" + text)
    ]
    kinds = network_kinds(graph, candidates)
    for node in sorted((n for n in kinds if kinds[n] == "case"), key=str):
        return node
    raise UnknownCaseError(f"no case {text!r} in the graph: give a case's id or IRI")


def _case_neighbourhood(graph: Graph, case: str) -> nx.MultiDiGraph:
    """The case, the parts that point to it (measures, statements) and the parts that
    point to those, then everything these point to: a subgraph of the network, read
    node by node from ``graph``."""
    root = _find_case(graph, case)

    def parts_of(node: URIRef) -> set[URIRef]:
        pointing = {s for _, s in network_edges(graph, node, reverse=True)}
        kinds = network_kinds(graph, pointing)
        return {n for n, kind in kinds.items() if kind != "case"}

    parts = parts_of(root)
    # Statements in measures point to their measure, not the case; take them too.
    parts |= {n for m in sorted(parts) for n in parts_of(m)}
    keep: set[Node] = {root, *parts}
    keep |= {o for n in list(keep) for _, o in network_edges(graph, n)}
    return to_networkx(graph, nodes=keep)


def _cross_case(graph: Graph) -> nx.MultiDiGraph:
    """Cases and the entities that link two or more of them; edges name how each case does."""
    links = case_entity_links(graph)
    # The entities two or more cases name: those case_links lists, counted without
    # listing every pair of their cases (3.9 million links on 1,000 synthetic cases).
    cases_of: dict[URIRef, set[URIRef]] = {}
    for case, entity, _, _ in links:
        cases_of.setdefault(entity, set()).add(case)
    shared = [link for link in links if len(cases_of[link[1]]) >= 2]
    network = to_networkx(graph, nodes={n for link in shared for n in link[:2]})
    # A handful of link properties: each one's labels read once.
    labels = {
        (p, lang): _property_label(graph, p, lang)
        for p in {link[2] for link in shared}
        for lang in ("zh", "en")
    }
    view = nx.MultiDiGraph()
    for case, entity, predicate, quote in shared:
        for node in (str(case), str(entity)):
            view.add_node(node, **network.nodes[node])
        name = str(predicate).rsplit("/", 1)[-1]
        if not view.has_edge(str(case), str(entity), key=name):
            view.add_edge(
                str(case),
                str(entity),
                key=name,
                relation=name,
                label_zh=labels[predicate, "zh"] or name,
                label_en=labels[predicate, "en"] or name,
                quote=quote,
            )
    return view


def _property_label(graph: Graph, predicate: URIRef, lang: str) -> str:
    for label in graph.objects(predicate, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return ""


def _from_construct(graph: Graph, construct: Graph) -> nx.MultiDiGraph:
    triples = sorted(
        ((s, p, o) for s, p, o in construct if isinstance(o, URIRef)),
        key=lambda t: tuple(str(x) for x in t),
    )
    network = to_networkx(graph, nodes={n for s, _, o in triples for n in (s, o)})
    view = nx.MultiDiGraph()
    labels: dict[Node, tuple[str, str]] = {}
    for s, p, o in triples:
        for node in (str(s), str(o)):
            if node not in view:
                data = (
                    network.nodes[node]
                    if node in network
                    else {
                        "kind": "",
                        "type": "",
                        "label_zh": node.rsplit("/", 1)[-1],
                        "label_en": node.rsplit("/", 1)[-1],
                        "quote": "",
                    }
                )
                view.add_node(node, **data)
        name = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if p not in labels:
            labels[p] = _property_labels(graph, p, name)
        label_zh, label_en = labels[p]
        view.add_edge(str(s), str(o), key=name, relation=name, label_zh=label_zh, label_en=label_en)
    return view


def _property_labels(graph: Graph, prop: Node, name: str) -> tuple[str, str]:
    """A property's Chinese and English labels from the ontology (its local name if it
    has none), as the other views label their edges."""
    label_zh, label_en = labels_zh_en(graph, prop)
    return label_zh or name, label_en or name


# --------------------------------------------------------------------------- HTML


@dataclass(frozen=True)
class _Asset:
    script: str
    style: str


def _vis_network() -> _Asset:
    """vis-network's script and style, as shipped inside the pyvis package."""
    folder = files("pyvis") / "lib" / "vis-9.1.2"
    return _Asset(
        script=(folder / "vis-network.min.js").read_text(encoding="utf-8"),
        style=(folder / "vis-network.css").read_text(encoding="utf-8"),
    )


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element: no <, >, & or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def _pyvis_network(
    network: nx.MultiDiGraph, lang: str
) -> tuple[list[dict[str, object]], list[dict[str, object]], dict[str, object]]:
    from pyvis.network import Network

    big = network.number_of_nodes() > 300
    net = Network(directed=True, cdn_resources="in_line")
    other = "en" if lang == "zh" else "zh"
    # Filling pyvis's node and edge lists directly: Network.add_edge is quadratic.
    for node, data in sorted(network.nodes(data=True)):
        colour, shape, kind_zh, kind_en = STYLES.get(data.get("kind", ""), _DEFAULT_STYLE)
        net.nodes.append(
            {
                "id": node,
                "label": data.get(f"label_{lang}") or data.get(f"label_{other}") or node,
                "kind": data.get("kind", ""),
                "color": colour,
                "shape": shape,
                "tip": {
                    "type": f"{kind_zh} / {kind_en} ({data.get('type', '')})",
                    "zh": data.get("label_zh", ""),
                    "en": data.get("label_en", ""),
                    "quote": data.get("quote", ""),
                    "iri": node,
                },
            }
        )
        net.node_ids.append(node)
    for index, (s, o, key, data) in enumerate(sorted(network.edges(keys=True, data=True))):
        net.edges.append(
            {
                "id": index,
                "from": s,
                "to": o,
                "label": "" if big else (data.get(f"label_{lang}") or key),
                "relation": data.get(f"label_{lang}") or key,
                "arrows": "to",
            }
        )
    net.options = {
        "layout": {"improvedLayout": not big, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 120,
                "avoidOverlap": 0.2,
            },
            "stabilization": {
                "enabled": True,
                "iterations": 150 if big else 400,
                "updateInterval": 50,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "nodes": {"font": {"size": 14, "face": _FONTS}, "size": 14},
        "edges": {
            "font": {"size": 10, "align": "middle", "face": _FONTS},
            "smooth": False,
            "color": {"color": "#9a9a9a", "highlight": "#333333"},
        },
    }
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return nodes, edges, json.loads(options)


_FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def render_html(network: nx.MultiDiGraph, *, title: str, lang: str = "zh") -> str:
    """One self-contained HTML page showing ``network``: no file or address is loaded."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    nodes, edges, options = _pyvis_network(network, lang)
    kinds = sorted(
        {str(n["kind"]) for n in nodes}, key=lambda k: list(STYLES).index(k) if k in STYLES else 99
    )
    legend = []
    for kind in kinds:
        colour, _shape, zh, en = STYLES.get(kind, _DEFAULT_STYLE)
        legend.append({"color": colour, "text": zh if lang == "zh" else en})
    status = (
        f"{len(nodes)} 个节点, {len(edges)} 条边"
        if lang == "zh"
        else f"{len(nodes)} nodes, {len(edges)} edges"
    )
    data = {"nodes": nodes, "edges": edges, "options": options, "legend": legend, "status": status}
    vis = _vis_network()
    return _template().render(
        lang="zh-Hans" if lang == "zh" else "en",
        title=title,
        fonts=_FONTS,
        vis_style=vis.style.replace("</style", "<\\/style"),
        vis_script=vis.script.replace("</script", "<\\/script"),
        data=_json_for_script(data),
        search_placeholder="搜索节点…" if lang == "zh" else "Search nodes…",
    )


def _template() -> jinja2.Template:
    """The page template; every value is HTML-escaped unless marked safe (JSON, vis-network)."""
    text = (files("reformgraph") / "templates" / "graph.html").read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(text)


# --------------------------------------------------------------------------- SVG


def render_svg(network: nx.MultiDiGraph, *, title: str, lang: str = "zh", size: int = 1600) -> str:
    """A still picture of ``network`` (a seeded spring layout), for articles and slides;
    ``size`` is its width and height in pixels (at least 200, for the margins and title)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    if isinstance(size, bool) or not isinstance(size, int) or size < 200:
        raise ValueError(f"size={size!r}: a picture of at least 200 pixels is needed")
    layout = (
        nx.spring_layout(nx.Graph(network), seed=7, iterations=200)
        if network.number_of_nodes()
        else {}
    )
    margin = 60

    def place(xy: Iterable[float]) -> tuple[float, float]:
        x, y = xy
        return margin + (x + 1) / 2 * (size - 2 * margin), margin + (y + 1) / 2 * (
            size - 2 * margin
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 {size} {size}"'
        f' font-family="{_FONTS.replace(chr(39), "")}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
        f'<text x="{margin}" y="{margin // 2 + 8}" font-size="22">{escape(title)}</text>',
    ]
    for s, o in sorted(nx.Graph(network).edges()):
        (x1, y1), (x2, y2) = place(layout[s]), place(layout[o])
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
            ' stroke="#bbbbbb" stroke-width="1"/>'
        )
    other = "en" if lang == "zh" else "zh"
    for node, data in sorted(network.nodes(data=True)):
        x, y = place(layout[node])
        colour = STYLES.get(data.get("kind", ""), _DEFAULT_STYLE)[0]
        label = data.get(f"label_{lang}") or data.get(f"label_{other}") or node
        radius = 11 if data.get("kind") == "case" else 7
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill={quoteattr(colour)}>'
            f"<title>{escape(label)}</title></circle>"
        )
        parts.append(
            f'<text x="{x + radius + 3:.1f}" y="{y + 4:.1f}" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def default_title(view: str, case: str | None, query: Path | None, lang: str) -> str:
    if query is not None:
        return f"reformgraph: {query.name}"
    if case is not None:
        return f"reformgraph: {case}"
    names = {"full": ("全部", "everything"), "cases": ("跨案例关联", "cross-case links")}
    zh, en = names.get(view, (view, view))
    return f"reformgraph — {zh if lang == 'zh' else en}"
