"""Bad input, located as the user sees it: sheet (or CSV file), Excel row number, column header, value."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

# Enough to fix a file in one round without drowning the user; the rest are counted.
MAX_REPORTED_ERRORS = 200
# A cell's text is shown up to this length in a message.
MAX_SHOWN_CHARS = 60


def sheet_label(sheet: str) -> str:
    """A CSV file is named by its file name; a worksheet gets the word 表 (``学校 表``)."""
    return sheet if sheet.lower().endswith(".csv") else f"{sheet} 表"


def row_label(sheet: str, rows: int | str) -> str:
    """``学校 表第 7 行``, ``schools.csv 第 7 行``."""
    space = " " if sheet.lower().endswith(".csv") else ""
    return f"{sheet_label(sheet)}{space}第 {rows} 行"


@dataclass(frozen=True)
class InputError:
    sheet: str | None  # sheet name, or the CSV file name
    row: int | None  # as Excel shows it (header = 1), or the line number in a CSV file
    column: str | None  # the header as the user wrote it
    value: str | None  # the cell as typed
    message: str  # Chinese, e.g. 值“不详”不是非负整数

    @property
    def location(self) -> str:
        if self.sheet is None:
            return ""
        if self.row is None:
            return f"{sheet_label(self.sheet)}："
        column = f"“{self.column}”列" if self.column else ""
        return f"{row_label(self.sheet, self.row)}{column}："

    def __str__(self) -> str:
        return self.location + self.message


@dataclass(frozen=True)
class Notice:
    """Something the importer changed, skipped or found odd, said without stopping the import.

    ``message`` is Chinese and does not repeat the sheet: ``第 3、4 行是空行，已跳过``.
    """

    sheet: str | None  # sheet name or CSV file name; None for the input as a whole
    message: str

    def __str__(self) -> str:
        if self.sheet is None:
            return self.message
        if self.message.startswith("第 "):
            return f"{sheet_label(self.sheet)}{' ' if self.sheet.lower().endswith('.csv') else ''}{self.message}"
        return f"{sheet_label(self.sheet)}：{self.message}"


def notice_lines(notices: Iterable[Notice]) -> list[str]:
    """Notices grouped by sheet, short: one line for a lone notice, else the sheet then its notices indented."""
    groups: dict[str | None, list[Notice]] = {}
    for notice in notices:
        groups.setdefault(notice.sheet, []).append(notice)
    lines = []
    for sheet, found in groups.items():
        if len(found) == 1 or sheet is None:
            lines.extend(str(n) for n in found)
        else:
            lines.append(f"{sheet_label(sheet)}：")
            lines.extend(f"  {n.message}" for n in found)
    return lines


class InputErrors(ValueError):
    """Everything wrong with one input, collected in one pass; ``str()`` gives one Chinese line each."""

    def __init__(self, errors: Iterable[InputError], omitted: int = 0):
        self.errors = list(errors)
        self.omitted = omitted  # further errors found but not listed
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        if self.omitted:
            lines.append(f"另有 {self.omitted} 处错误未列出")
        return "\n".join(lines)


def file_error(message: str) -> InputErrors:
    """A problem with the file as a whole (missing, unreadable, wrong kind, no 学校 sheet)."""
    return InputErrors([InputError(None, None, None, None, message)])


@dataclass
class ErrorLog:
    """Counts every error but keeps only the first ``limit``, so a wholly wrong file stays cheap."""

    limit: int = MAX_REPORTED_ERRORS
    errors: list[InputError] = field(default_factory=list)
    total: int = 0
    notices: list[Notice] = field(default_factory=list)

    def add(self, error: InputError) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def notice(self, sheet: str | None, message: str) -> None:
        self.notices.append(Notice(sheet, message))

    def add_rows(self, sheet: str, column: str | None, rows: pl.DataFrame,
                 message: Callable[[dict], str]) -> None:
        """One error per row of ``rows`` (columns ``source_row``, ``value`` and whatever ``message`` reads)."""
        self.total += rows.height
        room = self.limit - len(self.errors)
        for row in rows.head(max(room, 0)).iter_rows(named=True):
            value = row.get("value")
            if isinstance(value, str) and len(value) > MAX_SHOWN_CHARS:  # a pasted page is not repeated in full
                row["value"] = value = f"{value[:MAX_SHOWN_CHARS]}…（共 {len(value):,} 字）"
            self.errors.append(InputError(sheet, row["source_row"], column,
                                          None if value is None else str(value), message(row)))

    def raise_if_any(self, sheet_order: list[str]) -> None:
        if not self.total:
            return
        rank = {name: i for i, name in enumerate(sheet_order)}
        listed = sorted(self.errors, key=lambda e: (rank.get(e.sheet, -1), e.row or 0))
        raise InputErrors(listed, self.total - len(listed))
