"""A 事业统计 export sheet as exactly addressed text cells, with its merged ranges.

Values come from calamine (fastexcel), every cell as text so that nothing is coerced before it is
located; ``absolute_index`` keeps the real column even when leading columns are empty, so an
address in a message is the address Excel shows. calamine does not report merged ranges, so they
are read from the sheet's XML (``<mergeCell ref=…>``) for .xlsx files: a merged header belongs to
every column it spans.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from posixpath import join as posix_join

import fastexcel

from junheng.io.calamine import unreadable_as
from junheng.io.errors import file_error

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "＃": "#", "：": ":", "　": ""})


def column_letter(index: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(row: int, col: int) -> str:
    """Zero-based (row, col) → ``E6``."""
    return f"{column_letter(col)}{row + 1}"


def normalise(text: str | None) -> str:
    """Label text as compared: no spaces, half-width brackets, ``#``/``其中`` markers kept."""
    if text is None:
        return ""
    return _SPACE.sub("", str(text).translate(_BRACKETS))


@dataclass
class Sheet:
    """One worksheet: ``cells[(row, col)]`` (zero-based) → non-empty text."""

    name: str
    file: str
    cells: dict[tuple[int, int], str]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive

    def get(self, row: int, col: int) -> str | None:
        return self.cells.get((row, col))

    @cached_property
    def normalised(self) -> dict[tuple[int, int], str]:
        """Every cell's text as compared (see :func:`normalise`), computed once."""
        return {key: normalise(value) for key, value in self.cells.items()}

    def merged_value(self, row: int, col: int) -> str | None:
        """The cell's text, or the text of the merged range it lies in."""
        value = self.cells.get((row, col))
        if value is not None:
            return value
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return self.cells.get((r1, c1))
        return None

    def row_cells(self, row: int) -> list[tuple[int, str]]:
        return sorted((c, v) for (r, c), v in self.cells.items() if r == row)

    @property
    def where(self) -> str:
        return f"“{self.file}”的工作表“{self.name}”"


class Workbook:
    """The sheets of one export workbook, read lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _refuse_zip_bomb(path)
        with unreadable_as(lambda exc: file_error(f"无法读取工作簿“{path.name}”：文件已损坏或不是 Excel 文件")):
            self._reader = fastexcel.read_excel(path)
            self.sheet_names: list[str] = list(self._reader.sheet_names)
        self._members = _sheet_members(path)
        self._sheets: dict[str, Sheet] = {}

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            merges = _merged_ranges(self.path, self._members[name]) if name in self._members else []
            self._sheets[name] = Sheet(name, self.path.name, self._cells(name), merges)
        return self._sheets[name]

    def _cells(self, name: str) -> dict[tuple[int, int], str]:
        with unreadable_as(lambda exc: file_error(f"无法读取“{self.path.name}”的工作表“{name}”：文件已损坏")):
            sheet = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        if sheet.height == 0:
            return {}
        frame = sheet.to_polars()
        columns = [info.absolute_index for info in sheet.available_columns()]
        cells: dict[tuple[int, int], str] = {}
        for col, series in zip(columns, frame.iter_columns(), strict=True):
            for row, value in enumerate(series.to_list()):
                if value is not None and value.strip():
                    cells[(row, col)] = value.strip()
        return cells


_REF = re.compile(r"([A-Z]+)(\d+)")


def _cell_index(ref: str) -> tuple[int, int]:
    letters, digits = _REF.fullmatch(ref).groups()
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return int(digits) - 1, col - 1


MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # one school's export unpacks to well under 10 MB


def _refuse_zip_bomb(path: Path) -> None:
    """A workbook that would unpack to more than :data:`MAX_UNPACKED_BYTES` is refused before reading."""
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (OSError, zipfile.BadZipFile):
        return  # not a zip package: calamine reports what it is
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_error(f"工作簿“{path.name}”解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，不像是一所学校的事业统计导出，未读取")


def _sheet_members(path: Path) -> dict[str, str]:
    """Sheet name → its XML part inside the .xlsx package (empty when the package cannot be read)."""
    try:
        with zipfile.ZipFile(path) as package:
            workbook = package.read("xl/workbook.xml").decode("utf-8")
            rels = package.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return {}
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        rel_id, target = re.search(r'\bId="([^"]+)"', m.group()), re.search(r'\bTarget="([^"]+)"', m.group())
        if rel_id and target:
            targets[rel_id.group(1)] = target.group(1)
    members = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rel = re.search(r'\bname="([^"]+)"', m.group()), re.search(r'\br:id="([^"]+)"', m.group())
        if name and rel and rel.group(1) in targets:
            target = targets[rel.group(1)]
            members[_unescape(name.group(1))] = target.lstrip("/") if target.startswith("/") else posix_join("xl", target)
    return members


def _merged_ranges(path: Path, member: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of one sheet (``<mergeCell ref="B4:C5"/>``); none when they cannot be read."""
    try:
        with zipfile.ZipFile(path) as package:
            xml = package.read(member).decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return []
    ranges = []
    for first, last in re.findall(r'<(?:\w+:)?mergeCell\b[^>]*?ref="([A-Z]+\d+):([A-Z]+\d+)"', xml):
        (r1, c1), (r2, c2) = _cell_index(first), _cell_index(last)
        ranges.append((r1, c1, r2, c2))
    return ranges


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))
