"""Whole numbers typed into forms, URLs and files.

``str.isdigit()`` is true for "²" and other Unicode digits that ``int()`` refuses, so a guard made of
it alone turns odd input into a crash; these parsers take plain ASCII digits only.
"""

from __future__ import annotations


def ascii_int(text: object, max_digits: int = 15) -> int | None:
    """``text`` as a non-negative int when it is 1 to ``max_digits`` ASCII digits, else None."""
    text = str(text).strip() if text is not None else ""
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
