"""Changes injected into a synthetic graph, for the incremental-validation test and benchmark.

:func:`change_claims` edits the N-Triples of a corpus (``iusgraph synth``) as a curator's
commit would: it removes claims, changes or drops their qualifiers, and adds claims, so
that ``iusgraph validate --since`` has something to compare. The same seed gives the same
bytes.

>>> old = (b'<https://w3id.org/iusgraph/claim/a> <https://w3id.org/iusgraph/ontology/frequency> '
...        b'<https://w3id.org/iusgraph/vocab/frequency-common> .\\n')
>>> new, kinds = change_claims(old, 1, seed=0, kinds=("qualifier",))
>>> b"frequency-rare" in new, kinds
(True, {'qualifier': 1})
"""

from __future__ import annotations

import random
from collections import Counter

CLAIM = b"<https://w3id.org/iusgraph/claim/"
IUS = b"<https://w3id.org/iusgraph/ontology/"
VOCAB = b"<https://w3id.org/iusgraph/vocab/"

#: What a change does to one claim, in turn.
KINDS = ("remove", "qualifier", "drop-action", "add")

#: A frequency band and the one a changed qualifier takes instead.
_BANDS = {b"frequency-common": b"frequency-rare", b"frequency-rare": b"frequency-common"}


def _subject(line: bytes) -> bytes:
    return line.split(b" ", 1)[0]


def change_claims(
    ntriples: bytes, claims: int, seed: int = 0, kinds: tuple[str, ...] = KINDS
) -> tuple[bytes, dict[str, int]]:
    """``ntriples`` with ``claims`` claims changed, each by the next of ``kinds``:

    - ``remove``: the claim's own triples go (its evidence and direct triple stay);
    - ``qualifier``: its frequency band becomes another (``common`` and ``rare`` swap), or
      it gets the band ``rare`` when it has none;
    - ``drop-action``: its ``ius:recommendedAction`` goes (a serious one then lacks it);
    - ``add``: a copy of the claim under a new IRI (``…-copy``), its own triples only.

    Returns the new N-Triples (sorted lines) and how many claims each kind changed.
    """
    lines = [line for line in ntriples.split(b"\n") if line.strip()]
    subjects = sorted({_subject(line) for line in lines if line.startswith(CLAIM)})
    rng = random.Random(seed)
    picked = rng.sample(subjects, min(claims, len(subjects)))
    kind_of = {claim: kinds[i % len(kinds)] for i, claim in enumerate(picked)}
    counts = Counter(kind_of.values())
    out: list[bytes] = []
    banded: set[bytes] = set()
    frequency = IUS + b"frequency>"
    for line in lines:
        subject = _subject(line)
        kind = kind_of.get(subject)
        if kind == "remove":
            continue
        if kind == "drop-action" and IUS + b"recommendedAction>" in line:
            continue
        if kind == "qualifier" and frequency in line:
            banded.add(subject)
            for band, other in _BANDS.items():
                if VOCAB + band + b">" in line:
                    line = line.replace(VOCAB + band + b">", VOCAB + other + b">")
                    break
        if kind == "add":
            out.append(line.replace(subject, subject[:-1] + b"-copy>", 1))
        out.append(line)
    for claim, kind in kind_of.items():
        if kind == "qualifier" and claim not in banded:
            out.append(claim + b" " + frequency + b" " + VOCAB + b"frequency-rare> .")
    return b"\n".join(sorted(set(out))) + b"\n", dict(sorted(counts.items()))
