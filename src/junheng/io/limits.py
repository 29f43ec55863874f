"""Refuse hostile or oversized input before a reader allocates memory for it.

The Excel reader (calamine) builds a dense grid from the first to the last cell that has anything
in it: one stray value at ``XFD1048576`` asks for 17 billion cells (512 GiB) and aborts the
process, one at ``AN1048576`` costs 2.2 GB. So before a workbook is read, its container is checked
(a real zip, not an encrypted OLE file; uncompressed size within bounds, every member's size and
CRC verified while streaming, which also stops a zip bomb) and each worksheet that will be read
is scanned, streaming, for its declared ``<dimension>`` and the furthest row and column that any
cell with content names. A sheet whose real extent exceeds the limits, or is mostly empty beyond a
few million cells, is refused with the cell named; a ``<dimension>`` that claims more than the
cells do is harmless (calamine does not size by it). An OpenDocument sheet is measured with its
repeated rows and cells before the file is opened; an Excel 97–2003 file from its BIFF records
(:mod:`junheng.io.xls_extent`).

A CSV file is bounded by its bytes; only its column count is checked (a single 50 MB line of
commas would otherwise become millions of columns).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from junheng.digits import ascii_int

from .errors import InputErrors, file_error

# The limits. A county workbook is a few MB; the national data set (210,000 schools, 842,000 rooms)
# is about 9 million cells and 300 MB of sheet XML, well inside them.
MAX_INPUT_BYTES = 1 << 30  # uncompressed size of a workbook (all members) or of one CSV file: 1 GiB
MAX_SHEET_COLUMNS = 256  # column IV, Excel 2003's last; the widest table has under 60 columns
MAX_SHEET_ROWS = 1_048_576  # Excel's own last row
MAX_SHEET_CELLS = 20_000_000  # rows × columns of the grid read (about 1 GB in the reader at worst)
# A grid this large must be mostly data: over SPARSE_FROM_CELLS cells, at least one in SPARSE_FACTOR
# must hold something (a stray value far below the data makes a grid of empty cells, 50–100 bytes each).
SPARSE_FROM_CELLS = 5_000_000
SPARSE_FACTOR = 20

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, or an encrypted .xlsx
_CELL_ENDS = (b"</c>", b":c>")  # a cell with content closes; ``</x:c>`` in a prefixed sheet
_CHUNK = 4 << 20
_OVERLAP = 64  # bytes carried between chunks so that no cell reference or tag is cut in two
_MAX_LETTERS, _MAX_DIGITS = 7, 12  # longer references are beyond any sheet
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Extent:
    """The rows and columns a sheet's cells reach (what the reader will allocate), and the
    ``<dimension>`` the sheet declares."""

    rows: int
    columns: int
    declared: str = ""
    filled: int | None = None  # cells with content, when counted

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _size_text(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{max(size, 1) / (1 << 20):.0f} MB"


def _too_big(name: str, size: int, packed: bool = True) -> InputErrors:
    if not packed:
        return file_error(f"“{name}”大于 {_size_text(MAX_INPUT_BYTES)}（上限），无法读取；请按县(区)分成几个文件")
    return file_error(f"“{name}”解压后超过 {_size_text(MAX_INPUT_BYTES)}（上限），无法读取；"
                      "请只保留学校、专用教室、县级指标、质量监测四张表后另存再试")


def check_workbook(path: Path) -> None:
    """Refuse a workbook that is not what its name says, or too big to read safely (whole file)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise file_error(f"无法读取“{path.name}”：没有读取权限，或文件正被其他程序占用") from exc
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if suffix == ".xls":
            return  # the Excel 97–2003 format: measured by scan_workbook
        if _is_encrypted(path):
            raise file_error(f"工作簿“{path.name}”设有打开密码（已加密），无法读取：请在 Excel 中取消密码"
                             "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再试")
        raise file_error(f"“{path.name}”实际是旧版 Excel（.xls）格式：请用 Excel 打开后另存为 .xlsx 再试")
    if suffix == ".xls":
        return  # not an OLE file: calamine says whether it can read it
    if not head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        raise file_error(f"“{path.name}”不是 Excel 工作簿（.xlsx 文件应为 zip 格式）：可能是改了扩展名的 CSV、"
                         "网页或文本文件，请用 Excel 打开后另存为 .xlsx 再试")


def scan_workbook(path: Path, sheets: list[str] | None) -> dict[str, Extent]:
    """Verify every member of an .xlsx/.xlsm/.ods zip by streaming it (sizes, CRC, total bytes) and
    return the extent of each of ``sheets`` (the worksheets that will be read; None: all of an
    .ods, whose reader expands every sheet when it opens the file) found in it."""
    if path.suffix.lower() == ".xls":
        from .xls_extent import xls_extents

        return {name: Extent(rows, columns, filled=filled) for name, (rows, columns, filled) in xls_extents(path).items()
                if sheets is None or name in sheets}
    if not _is_zip(path):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_INPUT_BYTES:
                raise _too_big(path.name, sum(m.file_size for m in members))
            if "content.xml" in archive.namelist() and "xl/workbook.xml" not in archive.namelist():
                return _ods_extents(archive, None if sheets is None else set(sheets))
            targets = _sheet_members(archive, set(sheets or ()))
            extents: dict[str, Extent] = {}
            total = 0
            for member in members:
                sheet = targets.get(member.filename)
                scan = _SheetScan() if sheet is not None else None
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_INPUT_BYTES:
                            raise _too_big(path.name, total)
                        if scan is not None:
                            scan.feed(chunk)
                if scan is not None:
                    scan.feed(b"", last=True)
                if scan is not None:
                    extents[sheet] = scan.extent() if scan.balance <= 0 else \
                        _exact_extent(archive, member.filename, scan.declared)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError,
            ElementTree.ParseError, zlib.error, KeyError, UnicodeDecodeError) as exc:
        if isinstance(exc, InputErrors):
            raise
        raise file_error(f"无法读取“{path.name}”：文件已损坏或不是 Excel 工作簿（可用 Excel 打开后另存为 .xlsx 再试）") from exc
    return extents


def check_extent(workbook: str, sheet: str, extent: Extent) -> None:
    """Refuse a sheet whose cells reach further than the reader can safely hold."""
    sparse = extent.filled is not None and extent.cells > max(SPARSE_FROM_CELLS, SPARSE_FACTOR * extent.filled)
    if extent.rows <= MAX_SHEET_ROWS and extent.columns <= MAX_SHEET_COLUMNS and extent.cells <= MAX_SHEET_CELLS \
            and not sparse:
        return
    corner = f"{column_letters(extent.columns)}{extent.rows}"
    raise file_error(
        f"工作簿“{workbook}”的“{sheet}”工作表有内容一直延伸到 {corner} 单元格"
        f"（{extent.rows:,} 行 × {extent.columns:,} 列），超出可读取的范围"
        f"（最多 {MAX_SHEET_COLUMNS} 列、{MAX_SHEET_CELLS:,} 个单元格，且大片空白不超过数据的 {SPARSE_FACTOR} 倍）："
        "请删除数据区域以外的行和列"
        "（选中多余的行或列 → 删除）后保存再试")


def check_csv(name: str, data: bytes) -> None:
    """A CSV file within the byte limit whose header line has at most ``MAX_SHEET_COLUMNS`` cells."""
    if len(data) > MAX_INPUT_BYTES:
        raise _too_big(name, len(data), packed=False)
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    # Commas inside quotes count too: an over-estimate, which only matters past the limit anyway.
    if first.count(b",") + 1 > MAX_SHEET_COLUMNS:
        raise file_error(f"“{name}”的第 1 行有 {first.count(b',') + 1:,} 个单元格，超过 {MAX_SHEET_COLUMNS} 列的上限："
                         "请检查文件是否为每行一所学校、以逗号分隔的 CSV 表格")


class _SheetScan:
    """The furthest row and column a worksheet's XML names, fed chunk by chunk.

    Every ``r="…"`` attribute is decoded at once with numpy (a regular expression building a
    string per cell costs seconds on a national file): letters then digits is a cell, digits alone
    a row. A cell counts when it has content (not ``<c … />``): the reader skips a cell that is
    only formatted. Writers name every cell; the reader places one without a name after the one
    before it. Such cells are rare, so they are only detected here (more cells close than are
    named) and the sheet is then measured exactly by :func:`_exact_extent`.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.declared = ""
        self.balance = 0  # cells closed − cells named with content: above 0 when some cell has no name
        self.filled = 0
        self._pending = b""  # bytes after the last attribute start decided, carried to the next chunk
        self._seen = 0

    def feed(self, chunk: bytes, last: bool = False) -> None:
        data = self._pending + chunk
        if not self.declared and self._seen < 4 * _CHUNK:  # the dimension comes before the data
            found = _DIMENSION.search(data)
            if found:
                self.declared = found.group(1).decode("ascii", "replace")
        self._seen += len(chunk)
        # Attributes starting before ``decided`` are read now; the rest wait for more bytes.
        decided = len(data) if last else max(len(data) - _OVERLAP, 0)
        self._measure(data, decided)
        # Closing tags that start before the cut (the rest are counted with the next chunk).
        self.balance += sum(data.count(tag, 0, decided + len(tag) - 1) for tag in _CELL_ENDS)
        self._pending = data[decided:]

    def _measure(self, data: bytes, decided: int) -> None:
        a = np.frombuffer(data, np.uint8)
        if len(a) < 6:
            return
        r = np.flatnonzero(a[1:decided + 1] == 0x72)  # each ``r`` whose attribute starts before the cut
        r = r[r + 3 < len(a)]
        starts = r[(a[r] <= 0x20) & (a[r + 2] == 0x3D) & ((a[r + 3] == 0x22) | (a[r + 3] == 0x27))]
        if not len(starts):
            return
        last = len(a) - 1
        at = starts + 4
        letters, column = _read_run(a, at, last, 0x41, 0x5A, 26, 0x40, _MAX_LETTERS + 1)
        digits, row = _read_run(a, at + letters, last, 0x30, 0x39, 10, 0x30, _MAX_DIGITS + 1)
        closed = a[np.minimum(at + letters + digits, last)] == a[starts + 3]
        cell = closed & (letters >= 1) & (digits >= 1)
        if (cell & ((letters > _MAX_LETTERS) | (digits > _MAX_DIGITS))).any():  # beyond any sheet
            self.columns = max(self.columns, MAX_SHEET_COLUMNS + 1)
        content = self._with_content(a, starts, cell & (letters <= _MAX_LETTERS) & (digits <= _MAX_DIGITS))
        if content.any():  # a row element alone (a row's height or format) holds nothing either
            self.rows = max(self.rows, int(row[content].max()))
            self.columns = max(self.columns, int(column[content].max()))
        self.balance -= int(content.sum())
        self.filled += int(content.sum())

    @staticmethod
    def _with_content(a: np.ndarray, starts: np.ndarray, cell: np.ndarray) -> np.ndarray:
        """Cells whose tag is not self-closing (``<c r="A1" s="3"/>`` holds nothing)."""
        closes = np.flatnonzero(a == 0x3E)
        at = np.searchsorted(closes, starts)
        found = at < len(closes)
        slash = np.zeros(len(starts), bool)
        slash[found] = a[closes[at[found]] - 1] == 0x2F
        return cell & ~slash

    def extent(self) -> Extent:
        return Extent(self.rows, self.columns, self.declared, self.filled)


def _read_run(a: np.ndarray, at: np.ndarray, last: int, low: int, high: int, base: int, offset: int,
              longest: int) -> tuple[np.ndarray, np.ndarray]:
    """At each position ``at``: how many bytes in ``low``–``high`` follow (at most ``longest``), and
    the number they write in ``base`` (A = 1 for letters)."""
    length = np.zeros(len(at), np.int64)
    number = np.zeros(len(at), np.int64)
    going = np.ones(len(at), bool)
    for step in range(longest):
        byte = a[np.minimum(at + step, last)]
        going &= (byte >= low) & (byte <= high)
        if not going.any():
            break
        length += going
        number = np.where(going, number * base + (byte.astype(np.int64) - offset), number)
    return length, number


def _exact_extent(archive: zipfile.ZipFile, member: str, declared: str) -> Extent:
    """Rows and columns as the reader places cells: by reference, or after the previous one."""
    rows = columns = row = column = filled = 0
    with archive.open(member) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    number = element.get("r", "")
                    row, column = (ascii_int(number) or row + 1), 0
                continue
            if tag == "c":
                found = re.fullmatch(r"([A-Z]{1,7})(\d{1,12})", element.get("r", ""))
                if found:
                    row, column = int(found.group(2)), column_number(found.group(1))
                else:
                    column += 1
                if any(child.tag.rsplit("}", 1)[-1] in ("v", "is") for child in element):
                    rows, columns, filled = max(rows, row), max(columns, column), filled + 1
                element.clear()
            elif tag == "row":
                element.clear()
    return Extent(rows, columns, declared, filled)


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_extents(archive: zipfile.ZipFile, wanted: set[str] | None) -> dict[str, Extent]:
    """An OpenDocument sheet repeats rows and cells by count (``number-rows-repeated="1048575"``): the
    extent of each wanted table counting repeats of cells with content (members verified as for .xlsx)."""
    total = sum(m.file_size for m in archive.infolist())
    if total > MAX_INPUT_BYTES:
        raise _too_big(archive.filename or "", total)
    for member in archive.infolist():  # sizes and CRCs, streaming
        with archive.open(member) as stream:
            while stream.read(_CHUNK):
                pass
    extents: dict[str, Extent] = {}
    name = None
    rows = columns = row = column = row_repeat = filled = 0
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_ODS_TABLE}table":
                    name, rows, columns, row, filled = element.get(f"{_ODS_TABLE}name"), 0, 0, 0, 0
                elif tag == f"{_ODS_TABLE}table-row":
                    row_repeat, column = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1")), 0
                continue
            if tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                repeat = int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                if element.get(f"{_ODS_OFFICE}value-type") or len(element):  # repeats are not data present
                    rows, columns, filled = max(rows, row + row_repeat), max(columns, column + repeat), filled + 1
                column += repeat
                element.clear()
            elif tag == f"{_ODS_TABLE}table-row":
                row += row_repeat
                element.clear()
            elif tag == f"{_ODS_TABLE}table":
                if wanted is None or name in wanted:
                    extents[name or ""] = Extent(rows, columns, filled=filled)
                element.clear()
    return extents


def _sheet_members(archive: zipfile.ZipFile, wanted: set[str]) -> dict[str, str]:
    """Zip member name → sheet name, for the worksheets in ``wanted`` (an .xlsx's workbook part)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(part).file_size > 16 * _CHUNK:
            raise _too_big(part, archive.getinfo(part).file_size)
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in relations.iter(f"{_NS_PACKAGE_REL}Relationship")}
    found = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        name = sheet.get("name")
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if name in wanted and target:
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            found[member] = name
    return found


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)


def _is_encrypted(path: Path) -> bool:
    """An encrypted Office file is a Compound File holding a stream named ``EncryptedPackage``."""
    name = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if name in tail + chunk:
                return True
            tail = chunk[-len(name):]
    return False
