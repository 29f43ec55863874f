"""Shared pieces of the workbooks junheng writes with XlsxWriter (template, 测算表, 问题清单).

A workbook is written to a temporary file beside the target and moved into place only when it is
complete, so a failure never leaves a half-written output under the requested name.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from junheng.io.files import atomic_path

MAX_SHEET_NAME = 31
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

# Fills a reviewer reads at a glance: red = fails the standard, amber = only reaches the 85% floor.
FAIL_FILL = "#FFC7CE"
FAIL_FONT = "#9C0006"
FLOOR_FILL = "#FFEB9C"
FLOOR_FONT = "#9C5700"
PASS_FONT = "#006100"
HEADER_FILL = "#DDEBF7"


@contextmanager
def atomic_workbook(path: str | os.PathLike) -> Iterator[Workbook]:
    """Yield a new XlsxWriter workbook that replaces ``path`` only once it is completely written."""
    with atomic_path(path) as temporary:
        # in_memory: XlsxWriter otherwise writes and deletes a temporary file per part, which made up a
        # third of the time of a province's 120 workbooks.
        workbook = xlsxwriter.Workbook(str(temporary), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                        "in_memory": True})
        yield workbook
        workbook.close()


class SheetNames:
    """Sheet names Excel accepts: at most 31 characters, none of []:*?/\\, unique ignoring case."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def unique(self, wanted: str) -> str:
        base = _FORBIDDEN_IN_SHEET_NAME.sub("_", str(wanted)).strip().strip("'") or "表"
        name = base[:MAX_SHEET_NAME]
        number = 2
        while name.casefold() in self._used:
            suffix = f"({number})"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
            number += 1
        self._used.add(name.casefold())
        return name


class Styles:
    """The cell formats the report workbooks share, created once per workbook."""

    def __init__(self, workbook: Workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"bold": True, "font_size": 11})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.header = add({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
                           "align": "center", "valign": "vcenter"})
        self.text = add({"border": 1, "valign": "top"})
        self.wrap = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.integer = add({"border": 1, "num_format": "0", "valign": "top"})
        self._numbers: dict[tuple[str, str], Format] = {}
        self._add = add

    def number(self, num_format: str = "0.00", state: str = "") -> Format:
        """A bordered number format; ``state`` is "" (plain), "fail" (red) or "floor" (amber)."""
        key = (num_format, state)
        if key not in self._numbers:
            spec: dict = {"border": 1, "num_format": num_format, "valign": "top"}
            spec.update(_STATE_COLOURS[state])
            self._numbers[key] = self._add(spec)
        return self._numbers[key]

    def verdict(self, passed: bool | None) -> Format:
        """Text cell for 是/否/未评估: red when it fails, plain otherwise."""
        return self.number("@", "fail" if passed is False else "pass" if passed else "")


_STATE_COLOURS: dict[str, dict] = {
    "": {},
    "fail": {"bg_color": FAIL_FILL, "font_color": FAIL_FONT},
    "floor": {"bg_color": FLOOR_FILL, "font_color": FLOOR_FONT},
    "pass": {"font_color": PASS_FONT},
}


def yes_no(value: bool | None, status: str | None = None) -> str:
    """是 / 否, 未评估 for a check without data (never counted as a pass), and 不适用 for a check with
    nothing to assess (``status`` not_applicable; it does not block)."""
    if status == "not_applicable":
        return "不适用"
    return "未评估" if value is None else "是" if value else "否"


def number_format_for(value: float) -> str:
    """Whole numbers without decimals, others with two (a rate, an area, an amount)."""
    return "0" if float(value).is_integer() else "0.00"


def text_width(text: str) -> float:
    """Approximate Excel column width of ``text``: CJK characters take two units."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


LINE_HEIGHT = 17  # points per line of 11-point text in a CJK font (LibreOffice lays out Noto Sans CJK at about 16.5)


def wrapped_height(cells: list[tuple[str, float]]) -> float:
    """Row height that shows each (text, column width) pair in full when wrapped.

    LibreOffice does not re-fit row heights when it opens an XlsxWriter file, so wrapped rows
    are sized here.
    """
    lines = max((math.ceil(text_width(text) / max(0.9 * width - 1, 1)) for text, width in cells if text), default=1)
    return LINE_HEIGHT * max(lines, 1)
