"""Find a 基层表's parts by their labels, never by fixed addresses (``shared/spec/shiye-tongji.md`` §1).

A statistical table has a column-number row ``甲 乙 1 2 3 …`` under its (merged, multi-row) column
headers; below it each data row has its label in the 甲 column and its 编号 in the 乙 column. The
header rows are those between the ``单位：…`` line and the 甲 row; a column's header path is the
text of each header row in that column, a merged header counting for every column it spans (the
column-letter row of an export, ``A B C …`` above the title, is not a header). Rows are found by
their label, columns by their header path, the rows of one 学段 inside that 学段's block (``小学``,
``初中``, ``高中`` rows of the teacher tables). Anything not found, or found twice, is a
:class:`LayoutError` naming the sheet and what is missing: the importer then refuses the file
rather than read a number from the wrong cell.

The 基本情况 sheets (基础基111, 教基1001) are forms, not tables: a value sits beside (教基) or under
(基础基) its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .grid import Sheet, address, column_letter, normalise

TOTAL_WORDS = re.compile(r"计|合计|小计|总计")
# The rows that open a 学段's block in the teacher tables (422/423/424, 4153/4155/4156) and 213.
STAGE_BLOCKS = {
    "primary": re.compile(r"小学(合计|计|阶段)?"),
    "junior": re.compile(r"(初中|初级中学)(合计|计|阶段)?"),
    "senior": re.compile(r"(普通)?高中(合计|计|阶段)?"),
}
_OTHER_BLOCKS = re.compile(r"学前教育|幼儿园|特殊教育(学校)?|中等职业教育")
_MARKERS = re.compile(r"^(?:#|其中:?|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.)+")
_UNIT_LINE = re.compile(r"单位:(?P<unit>.*)")
_UNIT_IN_TEXT = re.compile(r"\((?P<unit>[^()]*)\)$")


class LayoutError(Exception):
    """The sheet is not laid out as any known 基层表: the message (Chinese) names the sheet and what is missing."""


def label_matches(pattern: re.Pattern, text: str) -> bool:
    """The label or header matches, with or without its trailing unit: ``图书(册)`` matches ``图书``."""
    return bool(pattern.fullmatch(text) or pattern.fullmatch(_UNIT_IN_TEXT.sub("", text)))


def clean_label(text: str | None) -> str:
    """A row label without its ``#``/``其中：``/``一、`` markers: ``#随迁子女`` → ``随迁子女``."""
    return _MARKERS.sub("", normalise(text)).rstrip(":")


def parse_number(sheet: Sheet, row: int, col: int) -> Decimal:
    """The number in a located cell; an empty cell of a filled 基层表 is 0 (the forms leave zeros blank)."""
    text = sheet.get(row, col)
    if text is None or text in ("-", "—", "－"):
        return Decimal(0)
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise LayoutError(f"{sheet.where}{address(row, col)} 单元格应为数字，实际为“{text}”") from None
    if not value.is_finite() or value < 0:
        raise LayoutError(f"{sheet.where}{address(row, col)} 单元格应为非负数，实际为“{text}”")
    return value


@dataclass
class Table:
    """A located 甲/乙 table."""

    sheet: Sheet
    jia_row: int
    label_col: int
    code_col: int
    numbered: dict[int, int]  # column number (1, 2 …) → column index
    headers: dict[int, tuple[str, ...]]  # column index → header path, top to bottom
    rows: list[tuple[int, str]]  # (row index, cleaned label) of every data row
    unit: str  # the table's 单位 line ("人", "平方米、万元" …)
    header_top: int  # first header row (under the 单位 line)
    stages: frozenset[str]  # the 学段 the table's title covers (empty: the title does not say)

    # ── rows ──
    def blocks(self) -> dict[str, tuple[int, int]]:
        """学段 → the (first, last) data rows of its block, when the table is split by 学段."""
        starts = []
        for index, (_, label) in enumerate(self.rows):
            stage = next((s for s, pattern in STAGE_BLOCKS.items() if pattern.fullmatch(label)), None)
            if stage or _OTHER_BLOCKS.fullmatch(label):
                starts.append((index, stage))
        found = {}
        for number, (index, stage) in enumerate(starts):
            end = starts[number + 1][0] if number + 1 < len(starts) else len(self.rows)
            if stage:
                found[stage] = (index, end)
        return found

    def find_row(self, pattern: re.Pattern | None, stage: str | None, fallback_whole: bool, what: str) -> int:
        """The data row whose label matches ``pattern`` (None: the block's or table's total row)."""
        rows = self.rows
        if stage is not None:
            blocks = self.blocks()
            if stage in blocks:
                first, end = blocks[stage]
                if pattern is None:
                    return rows[first][0]
                rows = rows[first + 1:end]
            elif blocks or not fallback_whole:
                raise LayoutError(f"{self.sheet.where}中找不到“{what}”所在的学段分块（{_STAGE_WORD[stage]}）")
        if pattern is None:
            pattern = TOTAL_WORDS
            matches = [r for r, label in rows if pattern.fullmatch(label)]
            if not matches and len(rows) == 1:
                return rows[0][0]
            matches = matches[:1]  # the first 总计/合计 row is the table's total
        else:
            matches = [r for r, label in rows if label_matches(pattern, label)]
        if not matches:
            raise LayoutError(f"{self.sheet.where}中找不到“{what}”行")
        if len(matches) > 1:
            places = "、".join(f"第 {r + 1} 行" for r in matches)
            raise LayoutError(f"{self.sheet.where}中“{what}”行不止一处（{places}），无法确定读取哪一行")
        return matches[0]

    # ── columns ──
    def path_matches(self, col: int, patterns: tuple[re.Pattern, ...]) -> bool:
        """The column's header path holds elements matching ``patterns`` in that order (others between)."""
        path, position = self.headers.get(col, ()), 0
        for element in path:
            if position < len(patterns) and label_matches(patterns[position], clean_label(element)):
                position += 1
        return position == len(patterns)

    def find_column(self, patterns: tuple[re.Pattern, ...] | None, what: str) -> int:
        """The data column whose header path matches ``patterns`` (None: column number 1).

        When several columns match (a group header over 计 / #女 / …), the one whose own header
        matches wins, else the group's 计/合计 column; still several is an error, not a guess.
        """
        if patterns is None:
            if 1 not in self.numbered:
                raise LayoutError(f"{self.sheet.where}的栏号行中没有第 1 栏")
            return self.numbered[1]
        candidates = [c for c in self.headers if self.path_matches(c, patterns)]
        if len(candidates) > 1:
            by_leaf = [c for c in candidates if label_matches(patterns[-1], clean_label(self.headers[c][-1]))]
            by_total = [c for c in candidates if TOTAL_WORDS.fullmatch(self.headers[c][-1])]
            if by_total:  # the group's own total, not a sub-group's (专任教师 / 计, not … / 艺术 / 计)
                shortest = min(len(self.headers[c]) for c in by_total)
                by_total = [c for c in by_total if len(self.headers[c]) == shortest]
            candidates = by_leaf if len(by_leaf) == 1 else by_total or by_leaf or candidates
        if not candidates:
            raise LayoutError(f"{self.sheet.where}中找不到“{what}”栏")
        if len(candidates) > 1:
            letters = "、".join(column_letter(c) for c in candidates)
            raise LayoutError(f"{self.sheet.where}中“{what}”栏不止一处（{letters} 列），无法确定读取哪一栏")
        return candidates[0]

    def subject_columns(self, subjects: re.Pattern, within: tuple[re.Pattern, ...] = ()) -> list[int]:
        """The columns of the subjects matching ``subjects``, a subject group counted once.

        When a group has a subtotal (``艺术`` over ``计 / 音乐 / 美术``) only the subtotal is taken,
        so a teacher is never counted twice; sibling columns (``体育与健康 / 艺术 / 音乐 / 美术`` side
        by side, each teacher in the one column of the subject they mainly teach) are all taken.
        ``within`` limits the search to columns under those headers (a flat export's 按授课课程分).
        """
        chosen = [c for c, path in self.headers.items()
                  if self.path_matches(c, within) and any(label_matches(subjects, clean_label(p)) for p in path)]
        groups = [self.headers[c][:-1] for c in chosen
                  if len(self.headers[c]) > 1 and TOTAL_WORDS.fullmatch(self.headers[c][-1])]
        return sorted(c for c in chosen
                      if TOTAL_WORDS.fullmatch(self.headers[c][-1])
                      or not any(self.headers[c][:len(group)] == group for group in groups))

    def unit_of(self, row: int, col: int) -> str:
        """The unit written for a cell: its column header or row label ``(万元)``, a 单位 column, the 单位 line."""
        texts = [*self.headers.get(col, ()), normalise(self.sheet.get(row, self.label_col))]
        for text in texts:
            m = _UNIT_IN_TEXT.search(text)
            if m:
                return m.group("unit")
        unit_col = next((c for c, path in self.headers.items() if path and re.fullmatch(r"(计量)?单位", path[-1])),
                        None)
        if unit_col is None:  # 单位 columns are often outside the numbered columns (丙, 丁)
            unit_col = next((c for (r, c), v in self.sheet.cells.items()
                             if self.header_top <= r < self.jia_row and re.fullmatch(r"(计量)?单位", normalise(v))),
                            None)
        if unit_col is not None and self.sheet.get(row, unit_col):
            return normalise(self.sheet.get(row, unit_col))
        return self.unit


_STAGE_WORD = {"primary": "小学", "junior": "初中", "senior": "高中"}


def locate_table(sheet: Sheet) -> Table:
    """The table of a 基层表 sheet, found by its 甲/乙 row; a :class:`LayoutError` if there is none."""
    jia = [(r, c) for (r, c), v in sheet.normalised.items() if v == "甲"]
    for row, col in sorted(jia):
        cells = [(c, normalise(v)) for c, v in sheet.row_cells(row) if c > col]
        if not cells or cells[0][1] != "乙":
            continue
        code_col = cells[0][0]
        numbered = {}
        for c, v in cells[1:]:
            if re.fullmatch(r"\d+", v) and int(v) not in numbered:
                numbered[int(v)] = c
        if 1 not in numbered:
            continue
        return _table(sheet, row, col, code_col, numbered)
    listing = _list_header(sheet)
    if listing is not None:
        return listing
    raise LayoutError(f"{sheet.where}中找不到栏号行（“甲 乙 1 2 …”），不是可识别的基层表格式")


def _list_header(sheet: Sheet) -> Table | None:
    """A list table without a 甲/乙 row (基础基112: 项目 | 编号 | 内容 | 单位 | 备注): its header row
    stands in for the 甲/乙 row and its value columns are numbered from 1 left to right."""
    for (row, col), value in sorted(sheet.normalised.items()):
        if not re.fullmatch(r"项目|指标(名称)?", value):
            continue
        cells = [(c, normalise(v)) for c, v in sheet.row_cells(row) if c > col]
        if cells and re.fullmatch(r"编号|代码|序号", cells[0][1]) and len(cells) > 1:
            numbered = {number: c for number, (c, _v) in enumerate(cells[1:], start=1)}
            table = _table(sheet, row, col, cells[0][0], numbered)
            table.headers = {c: (v,) for c, v in cells[1:]}
            return table
    return None


def header_paths(sheet: Sheet, top: int, bottom: int, columns: list[int]) -> dict[int, tuple[str, ...]]:
    """Each column's header path: the texts of rows ``top`` … ``bottom - 1``, merged headers spread."""
    headers = {}
    for col in columns:
        path: list[str] = []
        for row in range(top, bottom):
            text = normalise(sheet.merged_value(row, col))
            if not text or text == column_letter(col) or (path and path[-1] == text):
                continue
            path.append(text)
        headers[col] = tuple(path)
    return headers


def _table(sheet: Sheet, jia_row: int, label_col: int, code_col: int, numbered: dict[int, int]) -> Table:
    unit, header_top = "", 0
    for (r, _c), value in sorted(sheet.normalised.items()):
        if r >= jia_row:
            break
        m = _UNIT_LINE.search(value)
        if m:
            unit, header_top = m.group("unit"), r + 1
    data_cols = sorted(set(numbered.values()) | {c for (r, c) in sheet.cells if header_top <= r < jia_row and c > code_col})
    headers = header_paths(sheet, header_top, jia_row, data_cols)
    rows = []
    last = max((r for (r, _c) in sheet.cells), default=jia_row)
    for row in range(jia_row + 1, last + 1):
        label = sheet.merged_value(row, label_col)
        if label is None and sheet.get(row, code_col) is None:
            continue
        rows.append((row, clean_label(label)))
    title = "".join(normalise(v) for (r, _c), v in sheet.cells.items() if r < max(header_top - 1, 1))
    return Table(sheet, jia_row, label_col, code_col, numbered, headers, rows, unit, header_top, title_stages(title))


def title_stages(title: str) -> frozenset[str]:
    """The 学段 a table title names: 小学…, 初中…, 中学… (初中 and 高中), 中小学… (all)."""
    if re.search(r"中小学|基础教育", title):
        return frozenset(STAGE_BLOCKS)
    found = set()
    if "义务教育" in title:
        found |= {"primary", "junior"}
    if "小学" in title:
        found.add("primary")
    if re.search(r"初中|初级中学", title):
        found.add("junior")
    if re.search(r"高中|高级中学", title):
        found.add("senior")
    if re.search(r"(?<![初高小])中学", title):
        found |= {"junior", "senior"}
    return frozenset(found)


def form_value(sheet: Sheet, pattern: re.Pattern, below: bool, what: str, offset: int = 1) -> tuple[str, str] | None:
    """The value of a form field (基本情况 sheets): the ``offset``-th cell under its label (基础基111), or
    the ``offset``-th non-empty cell to its right (教基1001).

    Returns (text, address), or None when the label is not on the sheet.
    """
    labels = [(r, c) for (r, c), v in sheet.normalised.items() if pattern.fullmatch(_MARKERS.sub("", v).rstrip(":"))]
    if not labels:
        return None
    if len(labels) > 1:
        places = "、".join(address(r, c) for r, c in sorted(labels))
        raise LayoutError(f"{sheet.where}中“{what}”标签不止一处（{places}），无法确定读取哪一个")
    row, col = labels[0]
    if below:  # exactly under the label (a blank value is blank, never the next label down)
        value = sheet.get(row + offset, col)
        return None if value is None else (value, address(row + offset, col))
    cells = [(c, v) for c, v in sheet.row_cells(row) if c > col]
    if len(cells) < offset:
        return None
    c, value = cells[offset - 1]
    return value, address(row, c)
