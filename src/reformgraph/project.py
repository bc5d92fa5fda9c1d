"""Finding the project a command runs in, as git finds its repository. Light on imports."""

from __future__ import annotations

import os
from pathlib import Path

from reformgraph.errors import NoProjectError

__all__ = [
    "DATA_SUBFOLDERS",
    "build_folder",
    "data_folder_above",
    "find_project",
    "is_data_folder",
    "not_an_rdf_file",
    "ontology_file",
    "resolve_data_folder",
    "why_no_project",
]

DATA_SUBFOLDERS = ("sources", "cases", "entities")


def not_an_rdf_file(path: Path) -> str | None:
    """Why ``path``, given as an RDF file to read (``--graph FILE``), cannot be one: a
    folder, a pipe or a device (read by its suffix, a file's format cannot be told), or
    nothing there; None for a regular file."""
    if path.is_file():
        return None
    if path.is_dir():
        return "is a folder, not an RDF file"
    if path.exists():
        return "not a regular file (a pipe or a device): give an RDF file (.nt, .ttl, .jsonld …)"
    return "no such file"


def is_data_folder(path: Path) -> bool:
    return path.is_dir() and all((path / sub).is_dir() for sub in DATA_SUBFOLDERS)


def data_folder_above(path: Path) -> Path | None:
    """The nearest folder above ``path`` (not ``path`` itself) that is a data folder, or a
    project's ``data/`` being set up (one holding some of sources/, cases/ and entities/,
    which :func:`find_project` does not take for a project's yet); None if there is none.

    A draft written below one would be read as part of it, or, inside a ``data/`` that
    :func:`find_project` does not yet recognise, be written there unnoticed."""
    resolved = path.resolve()
    for folder in resolved.parents:
        if is_data_folder(folder) or (
            folder.name == "data" and any((folder / sub).is_dir() for sub in DATA_SUBFOLDERS)
        ):
            return folder
    return None


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a data folder ``data/``."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if is_data_folder(folder / "data"):
            return folder
    return None


def why_no_project(cwd: Path) -> str:
    """Why :func:`find_project` finds no project at or above ``cwd``, in words: no
    ``data/`` folder, or the nearest ``data/`` and the subfolders it lacks (a project being
    set up, whose ``data/`` a user would take for the project's)."""
    current = cwd.resolve()
    for folder in (current, *current.parents):
        data = folder / "data"
        if data.is_dir():
            missing = [s + "/" for s in DATA_SUBFOLDERS if not (data / s).is_dir()]
            return f"{data} is not a data folder (it has no {', '.join(missing)})"
    return f"no folder at or above {cwd} holds data/ with sources/, cases/ and entities/"


def build_folder(cwd: Path) -> Path:
    """The project's ``build/`` folder, or ``./build`` outside any project."""
    project = find_project(cwd)
    return (project / "build") if project is not None else cwd / "build"


def data_folder_hint(path: Path) -> str:
    """For a folder that is not a data folder: the data folder it holds (a project's
    ``data/``) or lies in (``data/cases``), to give instead; "" if neither."""
    meant = next((f for f in (path / "data", path.parent) if is_data_folder(f)), None)
    return f": give {meant}, which is one" if meant is not None else ""


def resolve_data_folder(data: Path | None, cwd: Path) -> Path:
    """The data folder a command works on: ``--data`` if given, else the project's."""
    if data is not None:
        if not data.exists():
            raise NoProjectError(f"{data}: no such folder")
        if not is_data_folder(data):
            missing = [s for s in DATA_SUBFOLDERS if not (data / s).is_dir()]
            raise NoProjectError(
                f"{data}: not a data folder (it needs {', '.join(s + '/' for s in missing)})"
                f"{data_folder_hint(data)}"
            )
        return data
    project = find_project(cwd)
    if project is None:
        raise NoProjectError(
            f"no data folder here: {why_no_project(cwd)} (give one with --data DIR)"
        )
    # Named from the working folder (data, ../data), as a user would name it: its files
    # are named in messages below it, and so open from where the command ran.
    found = project / "data"
    return Path(os.path.relpath(found)) if cwd.resolve() == Path.cwd().resolve() else found


def ontology_file(name: str) -> Path:
    """A file of the ontology folder (``reformgraph.ttl``, ``shapes.ttl``).

    Installed, the folder ships inside the package; in an editable install of a checkout
    it is the checkout's top-level ``ontology/`` beside ``src/`` (a ``pyproject.toml``
    beside it says it is one). Found from this module's own folder, without
    importlib.resources, whose import costs more than a small query.
    """
    package = Path(__file__).resolve().parent
    packaged = package / "ontology" / name
    if packaged.is_file():
        return packaged
    checkout = package.parent.parent / "ontology" / name
    if checkout.is_file() and (checkout.parent.parent / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(f"ontology file {name} is missing from the installation")
