"""``iusgraph agreement``: which sources assert each effect, and how much they overlap.

Sources vary in quality; a reviewer wants to see at a glance which effects only
one low-reliability article asserts, and how alike the sources' effect lists are.
The overlap of two sources is the Jaccard index of their effect sets,
``|A ∩ B| / |A ∪ B|``, over the objects of the predicate (by default
``ius:hasSideEffect``) in the claims each source makes, whatever device the
claim is about.

>>> from iusgraph.curation.compile import build_graph
>>> from iusgraph.network.project import project
>>> result = source_agreement(project(build_graph()))
>>> result.by_item["ent:infection"]
['src:iud-insertion', 'src:ius-monograph', 'src:mirena-back-pain']
>>> round(result.jaccard("src:ius-monograph", "src:mirena-back-pain"), 3)
0.238
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx

from iusgraph.errors import IusgraphError


@dataclass
class Agreement:
    """Which sources assert each object of one predicate, and each source's set of them."""

    predicate: str
    sources: dict[str, str]  # source CURIE -> label
    labels: dict[str, str]  # item CURIE -> label
    by_item: dict[str, list[str]]  # item -> the sources asserting it
    by_source: dict[str, set[str]]  # source -> the items it asserts

    def overlap(self, a: str, b: str) -> tuple[int, int]:
        """``(|A ∩ B|, |A ∪ B|)`` for two sources' item sets."""
        left, right = self.by_source.get(a, set()), self.by_source.get(b, set())
        return len(left & right), len(left | right)

    def jaccard(self, a: str, b: str) -> float | None:
        """None when neither source asserts anything: the overlap of two empty sets is undefined."""
        shared, union = self.overlap(a, b)
        return float(Fraction(shared, union)) if union else None

    def to_json(self) -> str:
        """The agreement as JSON: sources, items (most-asserted first), Jaccard and overlaps."""
        names = sorted(self.sources)
        return (
            json.dumps(
                {
                    "predicate": self.predicate,
                    "sources": {
                        s: {"label": self.sources[s], "items": len(self.by_source.get(s, ()))}
                        for s in names
                    },
                    "items": [
                        {
                            "id": item,
                            "label": self.labels[item],
                            "sources": found,
                            "source_count": len(found),
                        }
                        for item, found in self._ordered_items()
                    ],
                    "jaccard": {a: {b: _rounded(self.jaccard(a, b)) for b in names} for a in names},
                    "overlap": {a: {b: list(self.overlap(a, b)) for b in names} for a in names},
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def _ordered_items(self) -> list[tuple[str, list[str]]]:
        """Most-asserted first, then by label, so agreement and single-source items stand out."""
        return sorted(
            self.by_item.items(), key=lambda kv: (-len(kv[1]), self.labels[kv[0]].lower(), kv[0])
        )

    def to_text(self) -> str:
        """The agreement for a reader: the items with their sources, then the Jaccard table."""
        names = sorted(self.sources)
        short = {s: s.partition(":")[2] for s in names}
        width = max([len(self.labels[i]) for i in self.by_item] + [4])
        heading = (
            f"{len(self.by_item)} objects of {self.predicate} asserted by {len(names)} sources"
        )
        lines = [heading, "", f"{'item':<{width}}  n  sources"]
        for item, found in self._ordered_items():
            lines.append(
                f"{self.labels[item]:<{width}}  {len(found)}  " + ", ".join(short[s] for s in found)
            )
        lines += ["", "Jaccard overlap of the sources' sets (shared/union):"]
        col = max(len(v) for v in short.values())
        lines.append(" " * col + "".join(f"  {short[b]:>{col}}" for b in names))
        for a in names:
            cells = []
            for b in names:
                shared, union = self.overlap(a, b)
                value = self.jaccard(a, b)
                shown = "n/a" if value is None else f"{value:.3f}"
                cells.append(f"  {f'{shown} ({shared}/{union})':>{col}}")
            lines.append(f"{short[a]:<{col}}" + "".join(cells))
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        """The agreement as JSON when ``fmt`` is ``json``, else as text."""
        return self.to_json() if fmt == "json" else self.to_text()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def source_agreement(net: nx.MultiDiGraph, predicate: str = "ius:hasSideEffect") -> Agreement:
    """Per item (effect), the sources asserting it; per source, its item set.

    Every source in the graph gets a row, even one asserting nothing for this
    predicate (its overlaps are then 0).

    :param predicate: a claim property CURIE whose objects are compared
    """
    used = sorted({key for _, _, key in net.edges(keys=True)})
    if predicate not in used:
        raise IusgraphError(f"no edges with predicate {predicate!r}; use one of " + ", ".join(used))
    by_item: dict[str, set[str]] = {}
    by_source: dict[str, set[str]] = {s: set() for s in net.graph.get("sources", {})}
    for _, obj, key, data in net.edges(keys=True, data=True):
        if key != predicate:
            continue
        for source in data["sources"]:
            by_item.setdefault(obj, set()).add(source)
            by_source.setdefault(source, set()).add(obj)
    labels = {item: str(net.nodes[item].get("label", item)) for item in by_item}
    sources = {s: str(net.graph.get("sources", {}).get(s, {}).get("label", s)) for s in by_source}
    return Agreement(
        predicate,
        sources,
        labels,
        {item: sorted(found) for item, found in sorted(by_item.items())},
        by_source,
    )


__all__ = ["Agreement", "source_agreement"]
