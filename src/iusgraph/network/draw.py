"""Pictures of the graph: an overview and one entity's neighbourhood, drawn by Graphviz.

People read a picture before a table. The pictures are built from the networkx
projection (:func:`iusgraph.network.project.project`) with the PyPI ``graphviz`` package,
which writes the DOT and runs Debian's ``dot``; nothing here serialises DOT by
hand. Every label and fact comes from the graph: node labels are the entities'
``skos:prefLabel``, the second label line is the frequency bands the sources
state, the fill is the seriousness the sources state, and the edge tooltips
name the sources and the curated conflicts.

Output is deterministic (nodes and edges are added in sorted order), so the
same graph gives byte-identical SVG, and files are written atomically.

>>> from iusgraph.curation.compile import build_graph
>>> from iusgraph.network.project import project
>>> diagram = overview(project(build_graph()))
>>> '"ent/mirena"' in diagram.source
True
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphviz
import networkx as nx

from iusgraph.errors import IusgraphError
from iusgraph.graph.files import write_files
from iusgraph.network.project import objects_of, resolve_node

#: Fill colours: seriousness is about outcome (serious / non-serious), as the sources state it.
SERIOUS_FILL = "#fb8072"
NON_SERIOUS_FILL = "#ffed6f"
UNSTATED_FILL = "#d9d9d9"
#: Edges whose claims sit in a curated conflict are drawn in this colour, dashed.
CONFLICT_COLOUR = "#d00000"
EDGE_COLOUR = "#555555"
NEGATED_COLOUR = "#777777"
FOCUS_COLOUR = "#1f4e9c"
FONT = "DejaVu Sans"
CONFLICT_MARK = "⚠ conflict"

#: The predicates of the overview, and how the picture groups their ends.
ACTIVE_INGREDIENT = "ius:hasActiveIngredient"
MECHANISM = "ius:hasMechanism"
RESULTS_IN = "ius:resultsIn"
SIDE_EFFECT = "ius:hasSideEffect"
CONTRAINDICATED = "ius:contraindicatedIn"
CAUTION = "ius:requiresCautionWith"
TYPE_OF = "ius:isTypeOf"
DEVICE = "ius:Device"
OVERVIEW_PREDICATES = (
    ACTIVE_INGREDIENT,
    MECHANISM,
    RESULTS_IN,
    SIDE_EFFECT,
    CONTRAINDICATED,
    CAUTION,
    TYPE_OF,
)
#: In the overview the clusters already say what these edges mean, so they carry no label.
CLUSTER_PREDICATES = (SIDE_EFFECT, CONTRAINDICATED, CAUTION)

#: Node styles by the role an entity plays (fill, shape, legend text); pastel, distinct.
ROLE_STYLES: dict[str, tuple[str, str, str]] = {
    "device": ("#80b1d3", "box3d", "device"),
    "hormone": ("#b3de69", "ellipse", "active ingredient"),
    "mechanism": ("#bebada", "box", "mechanism"),
    "outcome": ("#8dd3c7", "box", "outcome of a mechanism"),
    "serious": (SERIOUS_FILL, "box", "side effect: serious"),
    "non-serious": (NON_SERIOUS_FILL, "box", "side effect: non-serious"),
    "unstated": (UNSTATED_FILL, "box", "side effect: seriousness not stated"),
    "contraindication": ("#bc80bd", "octagon", "contraindication"),
    "precaution": ("#fdb462", "box", "precaution"),
}
#: Other entities (neighbourhood view) are filled by their class; unknown classes are white.
CATEGORY_FILLS = {
    "ius:Device": ROLE_STYLES["device"][0],
    "ius:Mechanism": ROLE_STYLES["mechanism"][0],
    "ius:Outcome": ROLE_STYLES["outcome"][0],
    "ius:Substance": "#ccebc5",
    "ius:MedicalCondition": "#ffffff",
    "ius:Factor": "#fccde5",
    "ius:Intervention": "#ffffb3",
    "ius:Activity": "#e5d8bd",
    "ius:Procedure": "#decbe4",
    "ius:Population": "#fed9a6",
    "ius:DosageForm": "#f2f2f2",
    "ius:Agent": "#b3cde3",
    "ius:DosingRegimen": "#e5f5f9",
}
DEFAULT_FILL = "#ffffff"


# --------------------------------------------------------------------------- facts


@dataclass
class _EffectFacts:
    """What the sources say about one side effect, over every hasSideEffect edge into it."""

    seriousness: set[str] = field(default_factory=set)
    frequency: set[str] = field(default_factory=set)

    @property
    def role(self) -> str:
        # "serious" wins over "not stated": a source that does not say is no disagreement.
        if "serious" in self.seriousness:
            return "serious"
        if "non-serious" in self.seriousness:
            return "non-serious"
        return "unstated"


def _effect_facts(net: nx.MultiDiGraph) -> dict[str, _EffectFacts]:
    facts: dict[str, _EffectFacts] = defaultdict(_EffectFacts)
    for _, obj, key, data in net.edges(keys=True, data=True):
        if key == SIDE_EFFECT and not data.get("negated"):
            facts[obj].seriousness.update(data.get("seriousness", []))
            facts[obj].frequency.update(data.get("frequency", []))
    return dict(facts)


def _role(
    net: nx.MultiDiGraph, node: str, facts: dict[str, _EffectFacts], cautions: dict[str, set[str]]
) -> str | None:
    """The styled role of ``node``, the same in every picture (None: style by class)."""
    if node in facts:
        return facts[node].role
    if node in cautions[CONTRAINDICATED]:
        return "contraindication"
    if node in cautions[CAUTION]:
        return "precaution"
    category = net.nodes[node].get("category", "")
    return {"ius:Device": "device", "ius:Mechanism": "mechanism", "ius:Outcome": "outcome"}.get(
        category
    )


# --------------------------------------------------------------------------- text


def _esc(text: str) -> str:
    """Text as a literal DOT escString: backslashes lose their special meaning."""
    return " ".join(str(text).replace("\\", "\\\\").split())


def _lines(*lines: str) -> graphviz.quoting.NoHtml:
    """A multi-line label; ``nohtml`` keeps a label like ``<x>`` from becoming HTML."""
    return graphviz.nohtml("\\n".join(_esc(line) for line in lines if line))


def _tip(*lines: str) -> graphviz.quoting.NoHtml:
    """A multi-line tooltip.

    Graphviz 2.43 expands ``\\N`` (node name) in a tooltip even when the
    backslash is escaped, so a zero-width space follows each literal backslash.
    """
    return _lines(*(line.replace("\\", "\\\u200b") for line in lines))


def _url(iri: str) -> str:
    """An IRI for the ``URL`` attribute: Graphviz 2.43 writes it into SVG unescaped."""
    return _esc(html.escape(iri, quote=True))


def _dot_id(curie: str) -> str:
    """The DOT node id of a CURIE: readable and stable.

    The ``graphviz`` package reads a colon in an edge end as a port separator,
    so the colon becomes a slash (``ent:mirena`` -> ``ent/mirena``); the SVG
    element still carries the CURIE as its ``id``.
    """
    return curie.replace(":", "/")


def _band(notation: str) -> str:
    return notation.replace("-", " ")


def _category_name(category: str) -> str:
    """``ius:MedicalCondition`` -> ``medical condition`` (the class's own name, spaced)."""
    local = category.partition(":")[2] or category
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() or "entity"


def _source_label(net: nx.MultiDiGraph, source: str) -> str:
    return str(net.graph.get("sources", {}).get(source, {}).get("label", source))


def _conflict_label(net: nx.MultiDiGraph, conflict: str) -> str:
    return str(net.graph.get("conflicts", {}).get(conflict, {}).get("label", conflict))


# --------------------------------------------------------------------------- styling


def _node_attrs(
    net: nx.MultiDiGraph,
    node: str,
    role: str | None,
    facts: dict[str, _EffectFacts],
    focus: bool = False,
) -> dict[str, Any]:
    data = net.nodes[node]
    label = str(data.get("label") or node)
    lines = [label]
    if node in facts:
        if facts[node].frequency:
            lines.append(" | ".join(_band(f) for f in sorted(facts[node].frequency)))
        if len(facts[node].seriousness) > 1:  # the sources disagree: show every statement
            lines.append(" | ".join(sorted(facts[node].seriousness)))
    if role is not None:
        fill, shape, _ = ROLE_STYLES[role]
    else:
        fill, shape = CATEGORY_FILLS.get(data.get("category", ""), DEFAULT_FILL), "box"
    iri = str(data.get("iri") or node)
    tooltip = [label, iri]
    if data.get("category"):
        tooltip.append(_category_name(data["category"]))
    attrs: dict[str, Any] = {
        "label": _lines(*lines),
        "id": node,
        "shape": shape,
        "style": "filled,rounded" if shape == "box" else "filled",
        "fillcolor": fill,
        "tooltip": _tip(*tooltip),
        "URL": _url(iri),
    }
    if focus:
        attrs.update(penwidth="3", color=FOCUS_COLOUR, peripheries="2", fontname=f"{FONT} Bold")
    return attrs


def _penwidth(source_count: int) -> str:
    """One source draws a hairline; each further source thickens it (capped)."""
    return f"{min(1.0 + 1.5 * max(source_count - 1, 0), 7.0):g}"


def _edge_attrs(
    net: nx.MultiDiGraph,
    subject: str,
    obj: str,
    key: str,
    data: dict[str, Any],
    show_predicate: bool,
) -> dict[str, Any]:
    sources = list(data.get("sources", []))
    conflicts = list(data.get("conflicts", []))
    negated = bool(data.get("negated"))
    predicate = str(data.get("label") or key)
    label = []
    if show_predicate or negated:
        label.append(predicate)
    if len(sources) > 1:
        label.append(f"{len(sources)} sources")
    if conflicts:
        label.append(CONFLICT_MARK)
    ends = (net.nodes[subject].get("label", subject), net.nodes[obj].get("label", obj))
    tooltip = [f"{ends[0]} — {predicate} — {ends[1]}"]
    tooltip.append("sources: " + ("; ".join(_source_label(net, s) for s in sources) or "none"))
    for qualifier in ("frequency", "seriousness", "severity", "action", "certainty"):
        if data.get(qualifier):
            tooltip.append(f"{qualifier}: " + ", ".join(_band(v) for v in data[qualifier]))
    tooltip.extend(f"conflict: {_conflict_label(net, c)}" for c in conflicts)
    colour = CONFLICT_COLOUR if conflicts else NEGATED_COLOUR if negated else EDGE_COLOUR
    attrs: dict[str, Any] = {
        "id": f"{subject}|{key}|{obj}",
        "penwidth": _penwidth(int(data.get("source_count", len(sources)))),
        "color": colour,
        "fontcolor": colour,
        "style": "dotted" if negated else "dashed" if conflicts else "solid",
        "tooltip": _tip(*tooltip),
        "labeltooltip": _tip(*tooltip),
    }
    if label:
        # decorate: Graphviz joins the label to its edge by a line, so a label dot places
        # away from its edge (the conflict marks between clusters) still names one edge.
        attrs.update(label=_lines(*label), decorate="true")
    if negated:
        attrs["arrowhead"] = "tee"
    return attrs


def _new_digraph(name: str, title: str) -> graphviz.Digraph:
    diagram = graphviz.Digraph(name=name, engine="dot")
    diagram.attr(
        rankdir="LR",
        label=_lines(title),
        labelloc="t",
        fontname=FONT,
        fontsize="16",
        nodesep="0.12",
        ranksep="0.6",
        newrank="true",
    )
    diagram.attr("node", fontname=FONT, fontsize="11", margin="0.12,0.04", height="0.3")
    diagram.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    return diagram


#: Legend samples of the edge styles, drawn with box-drawing glyphs in one table: the
#: glyphs, their colour, their point size (the thick sample is drawn larger, so that it
#: reads as thicker than the hairline) and the text.
EDGE_SAMPLES: dict[str, tuple[str, str, int, str]] = {
    "one": ("────▶", EDGE_COLOUR, 9, "1 source"),
    "two": ("━━━▶", EDGE_COLOUR, 15, "2 or more sources: thicker"),
    "conflict": ("╌╌╌╌▶", CONFLICT_COLOUR, 9, f"{CONFLICT_MARK}: claims in a curated conflict"),
    "negated": ("┈┈┈┈┤", NEGATED_COLOUR, 9, "negated statement (is not, does not)"),
}


def _legend(
    diagram: graphviz.Digraph,
    roles: Iterable[str],
    categories: Iterable[str],
    edge_kinds: Iterable[str],
) -> None:
    """A small key: what the fills, shapes and line styles mean (only those drawn).

    One HTML-like table node, so the key takes one compact box and leaves the
    layout of the graph alone.
    """
    rows = []
    for role in roles:
        fill, shape, text = ROLE_STYLES[role]
        sample = f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="#555555"> </TD>'
        rows.append(
            sample + f'<TD ALIGN="LEFT">{html.escape(text)}'
            f"{' (octagon)' if shape == 'octagon' else ''}</TD>"
        )
    for category in categories:
        fill = CATEGORY_FILLS.get(category, DEFAULT_FILL)
        sample = f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="#555555"> </TD>'
        rows.append(sample + f'<TD ALIGN="LEFT">{html.escape(_category_name(category))}</TD>')
    for kind in edge_kinds:
        glyphs, colour, size, text = EDGE_SAMPLES[kind]
        rows.append(
            f'<TD><FONT COLOR="{colour}" POINT-SIZE="{size}">{glyphs}</FONT></TD>'
            f'<TD ALIGN="LEFT">{html.escape(text)}</TD>'
        )
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    table = (
        f'<<TABLE BORDER="1" COLOR="#999999" CELLBORDER="0" CELLSPACING="3" '
        f'CELLPADDING="2"><TR><TD COLSPAN="2"><B>Legend</B></TD></TR>{body}</TABLE>>'
    )
    diagram.node("legend", label=table, shape="plain", id="legend", tooltip="legend")


def _edge_kinds(edges: Iterable[dict[str, Any]]) -> list[str]:
    edges = list(edges)
    kinds = ["one"]
    kinds += ["two"] if any(int(e.get("source_count", 0)) >= 2 for e in edges) else []
    kinds += ["conflict"] if any(e.get("conflicts") for e in edges) else []
    kinds += ["negated"] if any(e.get("negated") for e in edges) else []
    return kinds


def _sorted_edges(net: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(net.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))


# --------------------------------------------------------------------------- pictures


def overview(net: nx.MultiDiGraph) -> graphviz.Digraph:
    """The main picture: devices, hormones, mechanisms, outcomes, side effects, cautions.

    Side effects sit in one cluster per seriousness (serious, non-serious, not
    stated) with their frequency bands as a second line; contraindications and
    precautions sit in their own cluster. Edge width grows with the number of
    sources; edges in a curated conflict are red and dashed; negated edges are
    dotted with a bar head. The other statements about these entities (causes,
    management, "may relieve"...) are left to :func:`neighbourhood`.
    """
    facts = _effect_facts(net)
    cautions = {p: objects_of(net, p) for p in (CONTRAINDICATED, CAUTION)}
    edges = _sorted_edges(net)

    devices = {n for n, d in net.nodes(data=True) if d.get("category") == DEVICE}
    hormones = {o for s, o, k, _ in edges if k == ACTIVE_INGREDIENT and s in devices}
    agents = devices | hormones
    mechanisms = {o for s, o, k, _ in edges if k == MECHANISM and s in agents}
    outcomes = {o for s, o, k, _ in edges if k == RESULTS_IN and s in mechanisms}
    effects = {o for s, o, k, _ in edges if k == SIDE_EFFECT and s in agents}
    contra = {o for s, o, k, _ in edges if k == CONTRAINDICATED and s in agents}
    caution = {o for s, o, k, _ in edges if k == CAUTION and s in agents}

    # each entity is drawn once, in the first group that claims it
    groups: dict[str, str] = {}
    for name, claimed in (
        ("device", devices),
        ("hormone", hormones),
        ("mechanism", mechanisms),
        ("outcome", outcomes),
        ("effect", effects),
        ("contraindication", contra),
        ("precaution", caution),
    ):
        for node in claimed:
            groups.setdefault(node, name)

    diagram = _new_digraph(
        "iusgraph",
        "iusgraph: devices, hormones, mechanisms, outcomes, "
        "side effects, contraindications and precautions",
    )
    roles_used: set[str] = set()

    def add(target: graphviz.Digraph, node: str, fallback: str) -> None:
        role = _role(net, node, facts, cautions)
        if groups[node] == "hormone":
            role = "hormone"
        role = role or fallback
        roles_used.add(role)
        target.node(_dot_id(node), **_node_attrs(net, node, role, facts))

    with diagram.subgraph(name="devices") as column:  # the devices share the first column
        column.attr(rank="same")
        for node in sorted(n for n, g in groups.items() if g == "device"):
            add(column, node, "device")
    action = sorted(n for n, g in groups.items() if g in ("hormone", "mechanism", "outcome"))
    if action:
        with diagram.subgraph(name="cluster_mode_of_action") as cluster:
            title = "Active ingredients, mechanisms and their outcomes"
            cluster.attr(
                label=title, tooltip=title, style="rounded", color="#888888", fontsize="12"
            )
            for node in action:
                add(cluster, node, groups[node])

    effect_nodes = sorted(n for n, g in groups.items() if g == "effect")
    if effect_nodes:
        with diagram.subgraph(name="cluster_side_effects") as outer:
            title = "Side effects (second line: frequency as the sources state it)"
            outer.attr(label=title, tooltip=title, style="rounded", color="#888888", fontsize="12")
            for role, title in (
                ("serious", "serious"),
                ("non-serious", "non-serious"),
                ("unstated", "seriousness not stated"),
            ):
                members = [n for n in effect_nodes if facts[n].role == role]
                if not members:
                    continue
                with outer.subgraph(name=f"cluster_effects_{role.replace('-', '_')}") as inner:
                    inner.attr(
                        label=title,
                        tooltip=f"side effects: {title}",
                        style="rounded,filled",
                        fillcolor="#fafafa",
                        color=ROLE_STYLES[role][0],
                        penwidth="2",
                    )
                    for node in members:
                        add(inner, node, role)

    caution_nodes = [n for n, g in groups.items() if g in ("contraindication", "precaution")]
    if caution_nodes:
        with diagram.subgraph(name="cluster_cautions") as outer:
            outer.attr(
                label="Contraindications and precautions",
                tooltip="Contraindications and precautions",
                style="rounded",
                color="#888888",
                fontsize="12",
            )
            for group, title in (
                ("contraindication", "contraindicated in (absolute)"),
                ("precaution", "requires caution with (precaution)"),
            ):
                members = sorted(n for n in caution_nodes if groups[n] == group)
                if not members:
                    continue
                with outer.subgraph(name=f"cluster_{group}s") as inner:
                    inner.attr(
                        label=title,
                        tooltip=title,
                        style="rounded,filled",
                        fillcolor="#fafafa",
                        color=ROLE_STYLES[group][0],
                        penwidth="2",
                    )
                    for node in members:
                        add(inner, node, group)

    drawn = []
    for subject, obj, key, data in edges:
        if key in OVERVIEW_PREDICATES and subject in groups and obj in groups:
            diagram.edge(
                _dot_id(subject),
                _dot_id(obj),
                **_edge_attrs(
                    net, subject, obj, key, data, show_predicate=key not in CLUSTER_PREDICATES
                ),
            )
            drawn.append(data)

    order = [r for r in ROLE_STYLES if r in roles_used]
    _legend(diagram, order, [], _edge_kinds(drawn))
    return diagram


def neighbourhood(net: nx.MultiDiGraph, focus: str, depth: int = 1) -> graphviz.Digraph:
    """Everything within ``depth`` hops of ``focus`` (both directions, every predicate).

    Edges between any two entities in the neighbourhood are drawn, styled as in
    the overview, with their predicate as the label; the focus is outlined.

    :raises IusgraphError: for an unknown ``focus`` (see :func:`resolve_node`) or a
        negative ``depth``
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise IusgraphError(f"depth must be a whole number of hops, 0 or more (got {depth!r})")
    centre = resolve_node(net, focus)
    members = nx.single_source_shortest_path_length(
        net.to_undirected(as_view=True), centre, cutoff=depth
    )
    sub = net.subgraph(members)
    facts = _effect_facts(net)
    cautions = {p: objects_of(net, p) for p in (CONTRAINDICATED, CAUTION)}
    hormones = objects_of(net, ACTIVE_INGREDIENT)
    label = net.nodes[centre].get("label", centre)
    hops = "hop" if depth == 1 else "hops"
    diagram = _new_digraph(
        f"focus-{centre.partition(':')[2] or centre}",
        f"{label} ({centre}): neighbourhood, {depth} {hops}",
    )

    roles_used: set[str] = set()
    categories_used: set[str] = set()
    for node in sorted(sub.nodes):
        role = _role(net, node, facts, cautions)
        if role is None and node in hormones:
            role = "hormone"
        if role is None:
            categories_used.add(net.nodes[node].get("category", ""))
        else:
            roles_used.add(role)
        diagram.node(_dot_id(node), **_node_attrs(net, node, role, facts, focus=node == centre))

    drawn = []
    for subject, obj, key, data in _sorted_edges(sub):
        diagram.edge(
            _dot_id(subject),
            _dot_id(obj),
            **_edge_attrs(net, subject, obj, key, data, show_predicate=True),
        )
        drawn.append(data)

    _legend(
        diagram,
        [r for r in ROLE_STYLES if r in roles_used],
        sorted(c for c in categories_used if c),
        _edge_kinds(drawn),
    )
    return diagram


# --------------------------------------------------------------------------- files


def render(diagram: graphviz.Digraph, out_base: Path, formats: Sequence[str]) -> list[Path]:
    """Write ``out_base.<format>`` for each format; returns the paths written.

    Every format is rendered before any file is written, and each file goes to
    a temporary file in the same folder that is then renamed, so a reader never
    sees a half-written or mismatched picture.

    :raises IusgraphError: if Graphviz's ``dot`` is not installed, if it fails,
        or for a format it does not know
    """
    out_base = Path(out_base)
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = [f for f in formats if f not in graphviz.FORMATS]
    if unknown or not formats:
        raise IusgraphError(
            f"unknown picture format(s) {', '.join(unknown) or '(none given)'}; "
            "use svg, png or another Graphviz output format"
        )
    images: list[tuple[Path, bytes]] = []
    for fmt in dict.fromkeys(formats):
        try:
            data = diagram.pipe(format=fmt, quiet=True)
        except graphviz.ExecutableNotFound as exc:
            raise IusgraphError(
                "Graphviz's 'dot' program was not found on PATH; install "
                "Graphviz (apt-get install graphviz; bash setup.sh does it) "
                f"to draw pictures ({exc})"
            ) from exc
        except graphviz.CalledProcessError as exc:
            stderr = (
                exc.stderr.decode("utf-8", "replace")
                if isinstance(exc.stderr, bytes)
                else str(exc.stderr or "")
            )
            raise IusgraphError(
                f"Graphviz's dot failed to draw {out_base.name}.{fmt} "
                f"(exit {exc.returncode}): {stderr.strip()}"
            ) from exc
        images.append((out_base.with_name(f"{out_base.name}.{fmt}"), data))
    return write_files(images)


def draw(
    net: nx.MultiDiGraph,
    out_dir: Path,
    focus: str | None = None,
    depth: int = 1,
    *,
    formats: Sequence[str],
) -> list[Path]:
    """What ``iusgraph draw`` does: the overview as ``iusgraph.<fmt>`` or, with ``focus``,
    that entity's neighbourhood as ``focus-<local id>.<fmt>`` in ``out_dir``."""
    out_dir = Path(out_dir)
    if focus is None:
        return render(overview(net), out_dir / "iusgraph", formats)
    centre = resolve_node(net, focus)
    local = centre.partition(":")[2] or centre
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", local)
    return render(neighbourhood(net, centre, depth), out_dir / f"focus-{safe}", formats)


__all__ = [
    "CONFLICT_COLOUR",
    "CONFLICT_MARK",
    "NON_SERIOUS_FILL",
    "SERIOUS_FILL",
    "UNSTATED_FILL",
    "draw",
    "neighbourhood",
    "overview",
    "render",
]
