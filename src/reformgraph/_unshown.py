"""The characters a reader does not see: control characters and invisible ones.

Shared by the reader of the data (:mod:`reformgraph.io`), which refuses them, and the
tables of query results (:mod:`reformgraph.queries`), which show them by a symbol or an
escape; it imports nothing but ``re`` (and ``unicodedata`` to name a character).
"""

from __future__ import annotations

import re

__all__ = [
    "BIDI",
    "CONTROL",
    "CONTROL_CHARACTERS",
    "INVISIBLE",
    "INVISIBLE_CHARACTERS",
    "escape_invisible",
    "invisible_named",
]

#: The control characters no text may hold: all but the tab and the line break (C0, DEL
#: and C1), as a character class's inside.
CONTROL_CHARACTERS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
#: The characters programs show as nothing: Unicode's Default_Ignorable_Code_Point
#: (DerivedCoreProperties.txt): zero-width spaces and joiners, the word joiner, the soft
#: hyphen, the byte-order mark, variation selectors, tags, fillers, and the controls of
#: the direction of text (:data:`BIDI`), as a character class's inside. A label with one
#: looks like the label without it but is another text; a direction control reorders what
#: a terminal, a spreadsheet or a page shows after it ("Trojan Source").
INVISIBLE_CHARACTERS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
#: The controls of the direction of text among them: U+061C, U+200E, U+200F,
#: U+202A-U+202E and U+2066-U+2069.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def invisible_named(char: str) -> str:
    """An invisible character (one :data:`INVISIBLE` matches) by its code point and Unicode
    name, then what it is and why it is refused: ``U+202E RIGHT-TO-LEFT OVERRIDE, an
    invisible control of the direction of text (it reorders …)``."""
    import unicodedata

    named = f"U+{ord(char):04X} {unicodedata.name(char, '(unassigned)')}"
    if char in BIDI:
        return (
            f"{named}, an invisible control of the direction of text (it reorders what a"
            " terminal, a spreadsheet or a page shows after it)"
        )
    return (
        f"{named}, an invisible character (a text holding it looks the same as the text"
        " without it, but does not match it)"
    )


def escape_invisible(text: str) -> str:
    """``text`` with each invisible character written as its escape (``\\u200b``,
    ``\\u202e``, ``\\U000e0041``), where it is shown to a reader, not kept as data."""
    if INVISIBLE.search(text) is None:
        return text

    def escaped(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return INVISIBLE.sub(escaped, text)
