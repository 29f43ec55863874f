"""Cross-check a filled data set against the 事业统计 exports, school by school and field by field.

Reviewers check that the 申报表 agrees with 事业统计; a disagreement is what they treat as a 弄虚作假
risk. Every field the exports carry is compared with what the data set says — exactly (a typed
decimal against the export's decimal, never through binary floating point) — and every school found
on one side only is listed too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl

from junheng.dataset import Dataset
from junheng.io.files import atomic_path
from junheng.io.xlsx import HEADER_FILL, atomic_workbook
from junheng.schema import SCHOOLS

from .importer import TongjiImport, plain_value

HEADERS = ("学校标识码", "学校名称", "字段", "填报值", "事业统计值", "差额", "事业统计来源")
_NOT_COMPARED = {"year"}


@dataclass(frozen=True)
class Difference:
    school_code: str
    school_name: str
    field: str  # Chinese header, or 整校 for a school on one side only
    filled: object
    tongji: object
    source: str

    @property
    def gap(self):
        if isinstance(self.filled, int | float) and isinstance(self.tongji, int | float):
            return plain_value(Decimal(str(self.tongji)) - Decimal(str(self.filled)))
        return None

    def line(self) -> str:
        filled = "（空）" if self.filled is None else self.filled
        tongji = "（空）" if self.tongji is None else self.tongji
        return (f"{self.school_name}（{self.school_code}）{self.field}：填报 {filled}，事业统计 {tongji}"
                + (f"（{self.source}）" if self.source else ""))


def _exact(value) -> Fraction | str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, int | Decimal):
        return Fraction(value)
    return str(value).strip()


def compare(dataset: Dataset, result: TongjiImport) -> list[Difference]:
    """Every disagreement between ``dataset`` and the exports, in school-code order."""
    filled = {(row["year"], str(row["school_code"])): row for row in dataset.schools.iter_rows(named=True)}
    by_name = {(row["year"], str(row["school_name"])): key for key, row in filled.items()}
    differences: list[Difference] = []
    seen = set()
    for record in result.records:
        code, name = str(record.values.get("school_code", "")), str(record.values.get("school_name", ""))
        # a county flat export without 学校标识码 is matched by name
        key = (record.values["year"], code) if code else by_name.get((record.values["year"], name), (None, name))
        code = code or key[1]
        seen.add(key)
        row = filled.get(key)
        if row is None:
            differences.append(Difference(code, name, "整校", "数据集中没有该校", "有导出", record.file))
            continue
        for field in SCHOOLS.fields:
            if field.id in _NOT_COMPARED or field.id not in record.values:
                continue
            ours, theirs = row.get(field.id), plain_value(record.values[field.id])
            if _exact(ours) != _exact(theirs):
                differences.append(Difference(code, name, field.display_header, ours, theirs,
                                              " + ".join(record.sources.get(field.id, []))))
    years = {record.values["year"] for record in result.records}
    for (year, code), row in sorted(filled.items()):
        if (year, code) not in seen and year in years:
            differences.append(Difference(code, str(row["school_name"]), "整校", "有填报", "事业统计导出中没有该校", ""))
    return sorted(differences, key=lambda d: d.school_code)


def write_differences(differences: list[Difference], path: str | os.PathLike) -> Path:
    """The differences as a workbook (.xlsx) or, for a .csv name, a UTF-8 CSV with a BOM."""
    path = Path(path)
    rows = [(d.school_code, d.school_name, d.field, d.filled, d.tongji, d.gap, d.source) for d in differences]
    if path.suffix.lower() == ".csv":
        frame = pl.DataFrame([[None if v is None else str(v) for v in row] for row in rows],
                             schema=list(HEADERS), orient="row")
        with atomic_path(path) as temporary:
            frame.write_csv(temporary, include_bom=True)
        return path
    with atomic_workbook(path) as workbook:
        sheet = workbook.add_worksheet("与事业统计不一致")
        header = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1})
        for col, (name, width) in enumerate(zip(HEADERS, (12, 24, 28, 14, 14, 12, 40), strict=True)):
            sheet.write_string(0, col, name, header)
            sheet.set_column(col, col, width)
        for row_number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(row_number, col, value)
                elif value is not None:
                    sheet.write_string(row_number, col, str(value))
        sheet.freeze_panes(1, 2)
        if not rows:
            sheet.write_string(1, 0, "全部一致")
    return path
