"""Linked-data pages of ``iusgraph serve``: every IRI under the project base dereferences.

:func:`collect` and :func:`describe` run SPARQL on the store inside a query worker;
:func:`render` turns the collected rows into an HTML page (every value escaped).
"""

from __future__ import annotations

from html import escape
from typing import Any, cast

import pyoxigraph as ox

from iusgraph.curation.mappings import curie_of, page_of
from iusgraph.errors import TooManyRows
from iusgraph.graph.backend import oxigraph_graph, solution_rows
from iusgraph.graph.formats import GRAPH_TYPES, SERVED_SYNTAXES, with_charset
from iusgraph.graph.namespaces import BASE, IUS, ONTOLOGY_IRI, PREFIXES, SSSOM, curie
from iusgraph.graph.serialize import serialize
from iusgraph.graph.terms import plain
from iusgraph.serve.protocol import Reply, error, too_large

#: The claim qualifiers a page shows as badges.
BADGES = ("seriousness", "frequency", "action")


def local_path(iri: str) -> str | None:
    """The server path of a project IRI, e.g. ``/entity/acne``."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else None


def iri_for(path: str) -> str:
    """The project IRI of a server path: the inverse of :func:`local_path`."""
    return BASE + path.lstrip("/")


def is_ontology(iri: str) -> bool:
    """Whether ``iri`` names the ontology: its IRI or the ``ius:`` namespace."""
    return iri in (ONTOLOGY_IRI, str(IUS))


def _rows(store: ox.Store, text: str) -> list[dict[str, Any]]:
    return solution_rows(store, text, plain, unbound=True)


def _claims_pattern(iri: str) -> str:
    """The claims a page shows: the claim itself, or the claims about, from or in ``iri``."""
    return f"""
      {{ VALUES ?claim {{ <{iri}> }} ?claim a ius:Claim }}
      UNION {{ ?claim ius:claimSubject <{iri}> . BIND("subject" AS ?role) }}
      UNION {{ ?claim ius:claimObject <{iri}> . BIND("object" AS ?role) }}
      UNION {{ ?claim prov:wasDerivedFrom <{iri}> . BIND("source" AS ?role) }}
      UNION {{ <{iri}> ius:involvesClaim ?claim . BIND("conflict" AS ?role) }}"""


def collect(store: ox.Store, iri: str) -> dict[str, Any] | None:
    """Everything the HTML page of ``iri`` shows, or None when the graph does not know it."""
    if not is_ontology(iri) and not bool(store.query(f"ASK {{ <{iri}> ?p ?o }}")):
        return None
    subject = ONTOLOGY_IRI if is_ontology(iri) else iri
    head = _rows(
        store,
        f"""
      SELECT ?label ?alt ?type ?typeLabel WHERE {{
        {{ <{subject}> skos:prefLabel|rdfs:label ?label }}
        UNION {{ <{subject}> skos:altLabel ?alt }}
        UNION {{ <{subject}> a ?type OPTIONAL {{ ?type rdfs:label|skos:prefLabel ?typeLabel }} }}
      }}""",
    )
    properties = _rows(
        store,
        f"""
      SELECT ?p ?pLabel ?o ?oLabel WHERE {{
        <{subject}> ?p ?o .
        OPTIONAL {{ ?p rdfs:label ?pLabel }}
        OPTIONAL {{ ?o skos:prefLabel|rdfs:label ?oLabel }}
      }} ORDER BY ?p ?o""",
    )
    claims = _rows(
        store,
        f"""
      SELECT ?claim ?role ?claimLabel ?pred ?predLabel ?subject ?subjectLabel ?object ?objectLabel
             ?seriousness ?frequency ?action ?rank ?source ?sourceLabel ?reliability ?note
      WHERE {{
        {_claims_pattern(iri)}
        ?claim ius:claimPredicate ?pred ; ius:claimSubject ?subject .
        # The object is an entity, the source's words (a text claim), or none (a quantity).
        OPTIONAL {{ ?claim ius:claimObject|ius:claimValue ?object }}
        OPTIONAL {{ ?claim rdfs:label|skos:prefLabel ?claimLabel }}
        OPTIONAL {{ ?pred rdfs:label ?predLabel }}
        OPTIONAL {{ ?subject skos:prefLabel ?subjectLabel }}
        OPTIONAL {{ ?object skos:prefLabel ?objectLabel }}
        OPTIONAL {{ ?claim ius:seriousness/skos:prefLabel ?seriousness }}
        OPTIONAL {{ ?claim ius:frequency/skos:prefLabel ?frequency }}
        OPTIONAL {{ ?claim ius:recommendedAction/skos:prefLabel ?action }}
        OPTIONAL {{ ?claim ius:rank/skos:prefLabel ?rank }}
        OPTIONAL {{ ?claim prov:wasDerivedFrom ?source .
                   OPTIONAL {{ ?source skos:prefLabel ?sourceLabel }}
                   OPTIONAL {{ ?source ius:reliability/skos:prefLabel ?reliability }}
                   OPTIONAL {{ ?source ius:reliabilityNote ?note }} }}
      }} ORDER BY ?predLabel ?pred ?claim""",
    )
    evidence = _rows(
        store,
        f"""
      SELECT ?claim ?ev ?exact ?start ?end WHERE {{
        {_claims_pattern(iri)}
        ?claim ius:hasEvidence ?ev . ?ev oa:hasSelector ?q . ?q oa:exact ?exact .
        OPTIONAL {{ ?ev oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }}
      }} ORDER BY ?claim ?ev""",
    )
    codes = _rows(
        store,
        f"""
      SELECT ?pred ?code ?codeLabel WHERE {{
        ?m owl:annotatedSource <{subject}> ; owl:annotatedProperty ?pred ;
           owl:annotatedTarget ?code .
        OPTIONAL {{ ?m <{SSSOM.object_label}> ?codeLabel }}
      }} ORDER BY ?code ?pred""",
    )
    terms: list[dict[str, Any]] = []
    if is_ontology(iri):
        terms = _rows(
            store,
            f"""
          SELECT ?term ?type ?label WHERE {{
            ?term a ?type . OPTIONAL {{ ?term rdfs:label ?label }}
            FILTER(STRSTARTS(STR(?term), "{IUS}") && ?type IN (owl:Class, owl:ObjectProperty,
                   owl:DatatypeProperty, owl:AnnotationProperty))
          }} ORDER BY ?type ?term""",
        )
    return {
        "iri": iri,
        "head": head,
        "properties": properties,
        "claims": claims,
        "evidence": evidence,
        "terms": terms,
        "codes": codes,
    }


def describe(store: ox.Store, iri: str, mime: str, *, max_bytes: int | None = None) -> Reply:
    """The description of ``iri`` (its triples; with an entity or source, the claims about
    it and their evidence) as a :class:`~iusgraph.serve.workers.Reply`; 404 when unknown, 403
    past ``max_bytes``."""
    if is_ontology(iri):
        where = f"""?s ?p ?o . FILTER(?s = <{ONTOLOGY_IRI}> || STRSTARTS(STR(?s), "{IUS}"))"""
    else:
        if not bool(store.query(f"ASK {{ <{iri}> ?p ?o }}")):
            return error(404, f"<{iri}> is not in the graph")
        where = f"""
          {{ BIND(<{iri}> AS ?s) ?s ?p ?o }}
          UNION {{ {_claims_pattern(iri)} BIND(?claim AS ?s) ?s ?p ?o }}
          UNION {{ {_claims_pattern(iri)} ?claim ius:hasEvidence ?s . ?s ?p ?o }}
          UNION {{ {_claims_pattern(iri)} ?claim ius:hasEvidence/oa:hasSelector ?s . ?s ?p ?o }}"""
    try:
        graph = oxigraph_graph(
            cast(
                ox.QueryTriples,
                store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", prefixes=PREFIXES),
            ),
            max_bytes=max_bytes,
        )
    except TooManyRows:
        return too_large(max_bytes or 0)
    body = serialize(graph, GRAPH_TYPES[mime])
    if max_bytes is not None and len(body) > max_bytes:
        return too_large(max_bytes)
    return Reply(200, with_charset(mime), body)


# --- HTML -----------------------------------------------------------------------------------


def _text(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return str(value.get("text") or value.get("iri") or value.get("bnode") or "")


#: The only schemes that become links; ``javascript:``, ``data:`` and the rest are text.
LINK_SCHEMES = ("http://", "https://")


def link(value: dict[str, Any] | None, label: dict[str, Any] | None = None) -> str:
    """An escaped link for an http(s) IRI (local when it is a project IRI), or escaped text.

    IRIs in served data may use any scheme; only http and https are linked, so a
    ``javascript:`` or ``data:`` IRI can never run in the page.
    """
    if not value:
        return ""
    if "iri" in value:
        iri = value["iri"]
        shown = _text(label) if label else curie(iri)
        if not iri.lower().startswith(LINK_SCHEMES):
            return escape(shown)
        href = local_path(iri) or iri
        return f'<a href="{escape(href)}">{escape(shown)}</a>'
    text = escape(_text(value))
    lang = value.get("lang")
    return f'<span lang="{escape(lang)}">{text}</span>' if lang else text


def layout(title: str, body: str, alternates: str = "") -> str:
    """A whole HTML page: ``body`` in the site's header and stylesheet, ``alternates``
    (``<link>`` elements) in its head."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · iusgraph</title>
<link rel="stylesheet" href="/static/iusgraph.css">{alternates}
</head><body>
<header><a href="/" class="home">iusgraph</a> <nav><a href="/">query</a>
<a href="/ontology/">ontology</a> <a href="/sparql">service description</a></nav></header>
<main>{body}</main>
</body></html>
"""


def render(data: dict[str, Any]) -> str:
    """The HTML page of a resource from its rows as :func:`collect` gives them."""
    iri = data["iri"]
    labels = [r["label"] for r in data["head"] if r.get("label")]
    alts = sorted({_text(r["alt"]) for r in data["head"] if r.get("alt")})
    types = {r["type"]["iri"]: r.get("typeLabel") for r in data["head"] if r.get("type")}
    title = _text(labels[0]) if labels else curie(iri)
    path = local_path(iri) or ""
    parts = [f'<h1>{escape(title)}</h1><p class="iri"><code>{escape(iri)}</code></p>']
    if types:
        parts.append(
            '<p class="types">'
            + " ".join(
                f'<span class="type">{link({"iri": t}, label)}</span>'
                for t, label in sorted(types.items())
            )
            + "</p>"
        )
    if alts:
        parts.append(
            '<p class="synonyms"><strong>Synonyms:</strong> '
            + ", ".join(escape(a) for a in alts)
            + "</p>"
        )
    parts.append(_codes_html(data.get("codes") or []))
    parts.append(_claims_html(data))
    if data["terms"]:
        rows = "".join(
            f"<tr><td>{link(t['term'])}</td><td>{escape(curie(_text(t['type'])))}"
            f"</td><td>{escape(_text(t.get('label')))}</td></tr>"
            for t in data["terms"]
        )
        parts.append(
            f'<h2>Terms</h2><table class="terms"><thead><tr><th>term</th><th>kind</th>'
            f"<th>label</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    rows = "".join(
        f"<tr><th>{link(p['p'], p.get('pLabel'))}</th><td>{link(p['o'], p.get('oLabel'))}</td></tr>"
        for p in data["properties"]
    )
    parts.append(f'<h2>All statements</h2><table class="properties"><tbody>{rows}</tbody></table>')
    formats = " · ".join(
        f'<a href="{escape(path)}?format={s.parameter}">{s.title}</a>' for s in SERVED_SYNTAXES
    )
    parts.append(f'<p class="formats">Also as {formats}.</p>')
    alternates = "".join(
        f'\n<link rel="alternate" type="{s.media_type}" href="{escape(path)}?format={s.parameter}">'
        for s in SERVED_SYNTAXES
    )
    return layout(title, "\n".join(parts), alternates)


def _codes_html(codes: list[dict[str, Any]]) -> str:
    """The entity's HPO and MeSH codes (data/mappings), each linked to its public page."""
    rows = []
    for row in codes:
        code = curie_of(_text(row.get("code")))
        if code is None:
            continue
        kind = _text(row.get("pred")).rsplit("#", 1)[-1]
        rows.append(
            f'<tr><td>{escape(kind)}</td><td><a class="code" rel="external noopener" '
            f'href="{escape(page_of(code))}">{escape(code)}</a></td>'
            f"<td>{escape(_text(row.get('codeLabel')))}</td></tr>"
        )
    if not rows:
        return ""
    return (
        '<h2>Codes</h2><table class="codes"><thead><tr><th>match</th><th>code</th>'
        "<th>label</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _badge(kind: str, value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    text = _text(value)
    css = "".join(c if c.isalnum() else "-" for c in text.lower())
    return (
        f'<span class="badge badge-{kind} badge-{kind}-{escape(css)}" title="{kind}">'
        f"{escape(kind)}: {escape(text)}</span>"
    )


def _claims_html(data: dict[str, Any]) -> str:
    if not data["claims"]:
        return ""
    evidence: dict[str, list[dict[str, Any]]] = {}
    for row in data["evidence"]:
        evidence.setdefault(row["claim"]["iri"], []).append(row)
    groups: dict[str, list[dict[str, Any]]] = {}
    labels: dict[str, str] = {}
    for claim in data["claims"]:
        key = claim["pred"]["iri"]
        groups.setdefault(key, []).append(claim)
        labels[key] = _text(claim.get("predLabel")) or curie(key)
    out = [f"<h2>Claims ({len(data['claims'])})</h2>"]
    for key in sorted(groups, key=lambda k: labels[k]):
        out.append(
            f'<section class="claim-group"><h3>{escape(labels[key])} '
            f'<small>{link({"iri": key})}</small></h3><ul class="claims">'
        )
        for claim in groups[key]:
            badges = "".join(_badge(k, claim.get(k)) for k in BADGES)
            if claim.get("rank") and _text(claim["rank"]) != "normal":
                badges += _badge("rank", claim["rank"])
            quotes = "".join(
                f'<blockquote class="evidence" cite="{escape(local_path(e["ev"]["iri"]) or "")}">'
                f"{escape(_text(e['exact']))}"
                + (
                    f" <small>[{escape(_text(e['start']))}–{escape(_text(e['end']))}]</small>"
                    if e.get("start")
                    else ""
                )
                + "</blockquote>"
                for e in evidence.get(claim["claim"]["iri"], [])
            )
            source = ""
            if claim.get("source"):
                source = (
                    f'<div class="source">Source: {link(claim["source"], claim.get("sourceLabel"))}'
                    f" {_badge('reliability', claim.get('reliability'))}"
                    f'<p class="reliability-note">{escape(_text(claim.get("note")))}</p></div>'
                )
            statement = (
                f"{link(claim['subject'], claim.get('subjectLabel'))} "
                f"<em>{escape(labels[key])}</em> "
                f"{link(claim['object'], claim.get('objectLabel'))}"
            )
            out.append(
                f'<li class="claim"><p>{statement} '
                f"<small>({link(claim['claim'])})</small></p>"
                f'<p class="badges">{badges}</p>{quotes}{source}</li>'
            )
        out.append("</ul></section>")
    return "\n".join(out)


def not_found(iri: str) -> str:
    """The HTML page for an IRI that is not in the graph."""
    return layout(
        "Not found", f"<h1>Not found</h1><p><code>{escape(iri)}</code> is not in the graph.</p>"
    )
