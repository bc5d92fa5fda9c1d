"""Reading a report: its bytes, encoding and lines, and the errors of extraction."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reformgraph._unshown import INVISIBLE, invisible_named
from reformgraph.errors import DataError, DataErrors
from reformgraph.io import UNSHOWN

#: The English placeholder of every string the extractor cannot translate.
TODO_EN = "TODO: translate"
#: The line that marks a draft file as not yet reviewed; ``accept`` refuses files holding it.
DRAFT_MARKER = "# reformgraph-draft: unreviewed"
#: The file, at the top of a draft folder, that records how the draft was made.
MANIFEST = "extract-manifest.yaml"

Progress = Callable[[str, int, int], None]


# =========================================================================== errors


class ExtractError(DataErrors):
    """The report cannot be drafted (empty, binary, undecodable, no case) or the draft
    cannot be written or accepted. Each problem names its file and, where known, its line.
    Nothing is written when it is raised."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__([DataError(file, line, "", message)])

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def _errors(problems: Sequence[DataError]) -> ExtractError:
    first = problems[0]
    error = ExtractError(first.file, first.line, first.message)
    error.errors = sorted(set(problems), key=lambda e: (e.file, e.line or 0, e.path, e.message))
    return error


# =========================================================================== reading


@dataclass(frozen=True)
class Report:
    """A report read from disk: its text (normalised layout) and how it was decoded."""

    path: Path
    text: str
    encoding: str
    raw_sha256: str
    raw_bytes: int
    normalised: tuple[str, ...]


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document (.doc, .xls)"),
    (b"\x7fELF", "an executable program"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)


def read_report(path: Path) -> Report:
    """Read a report: UTF-8 (with or without BOM) or GB18030; raise :class:`ExtractError`
    for a file that is missing, empty, binary or in neither encoding.

    The layout is normalised so the build can find lines: line ends become ``\\n``, spaces
    at the start and end of lines and blank lines are removed. The characters of every
    line are kept as they are.
    """
    display = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(display, None, f"cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise ExtractError(display, None, "the file is empty: there is no report to read")
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ExtractError(
                display, 1, f"a binary file ({what}), not a text report: save it as plain text"
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError(display, 1, "the file is UTF-16: save it as UTF-8 or GB18030 plain text")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ExtractError(
            display, line, "a binary file (it contains NUL bytes), not a text report"
        )
    try:
        text = raw.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            text = raw.decode("gb18030")
            encoding = "gb18030"
        except UnicodeDecodeError as gb:
            line = raw[: utf8.start].count(b"\n") + 1
            raise ExtractError(
                display,
                line,
                f"cannot decode the file: not UTF-8 (byte 0x{raw[utf8.start]:02x} at offset"
                f" {utf8.start}) and not GB18030 (byte 0x{raw[gb.start]:02x} at offset"
                f" {gb.start})",
            ) from None
    control = [
        i
        for i, ch in enumerate(text)
        if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    ]
    if len(control) > max(3, len(text) // 200):
        line = text[: control[0]].count("\n") + 1
        raise ExtractError(
            display,
            line,
            f"a binary file ({len(control)} control characters), not a text report",
        )
    stray = _unshown(text)
    if stray is not None:
        raise ExtractError(display, *stray)
    if text.startswith("\ufeff"):
        encoding = "utf-8-sig"
    normal, notes = _normalise(text)
    if not normal.strip():
        raise ExtractError(display, None, "the file is empty: there is no report to read")
    return Report(
        path=path,
        text=normal,
        encoding=encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        raw_bytes=len(raw),
        normalised=tuple(notes),
    )


def _unshown(text: str) -> tuple[int, str] | None:
    """The line (1-based) of the first control or invisible character of ``text`` that
    the normalised text would keep (one in the spaces at a line's ends goes, with them,
    and so does a byte-order mark at its start), and what it is, where and what to do;
    or None. The build refuses a source text holding one (see
    :func:`reformgraph.io.source_layout_errors`): the draft would not build."""
    body = text[1:] if text.startswith("\ufeff") else text
    if UNSHOWN.search(body.replace("\r", "")) is None:
        return None
    found = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", body), 1):
        kept = line.strip()
        match = UNSHOWN.search(kept)
        if match is not None:
            found.append((number, line.index(kept) + match.start(), match[0]))
    if not found:
        return None
    number, at, char = found[0]
    if INVISIBLE.match(char):
        what = invisible_named(char)
        fix = "delete it (the character at that column, which shows as nothing)"
    else:
        what = f"U+{ord(char):04X}, a control character"
        fix = "delete it"
    others = [str(n) for n, _, _ in found[1:]]
    more = ""
    if others:
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        more = f" (line {listed} holds one too)" if len(others) == 1 else f" (lines {listed} too)"
    return number, (
        f"holds {what}, at column {at + 1}{more}: the build refuses it in a source text,"
        f" which is the published words as a reader sees them; {fix} and extract again"
    )


def _normalise(text: str) -> tuple[str, list[str]]:
    notes = []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append("byte order mark removed")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("line ends converted to \\n")
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    if any(a != b for a, b in zip(lines, stripped, strict=True)):
        notes.append("spaces at the start and end of lines removed")
    trailing = text.endswith("\n")
    body = stripped[:-1] if trailing else stripped
    kept = [line for line in body if line]
    if len(kept) != len(body):
        notes.append("blank lines removed")
    return "\n".join(kept) + ("\n" if trailing and kept else ""), notes
