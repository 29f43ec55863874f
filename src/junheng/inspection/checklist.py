"""The on-site checklist (核查表) of the sampled schools, and reading it back once filled.

One sheet per sampled school lists every field to verify with the value the school reported, the
ledgers to see or the rooms to measure (``checklist.yaml``), and an empty 实地核查值 column the
inspector fills in on site (on a phone or a laptop: it is a plain workbook). The hidden 字段标识
column lets :func:`read_checklist` map each row back to its field whatever the inspector did to the
layout above the table.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
import yaml

from junheng.dataset import Dataset
from junheng.inspection.sampling import Sample
from junheng.io.calamine import unreadable_as
from junheng.io.xlsx import SheetNames, Styles, atomic_workbook, wrapped_height
from junheng.schema import SCHOOL_TYPE_BY_LABEL, SCHOOLS

HERE = Path(__file__).parent
HEADER = ("序号", "核查内容", "对应指标", "报送值", "核查方法与佐证", "实地核查值", "说明", "字段标识")
WIDTHS = (6, 30, 10, 14, 46, 14, 24, 0)
SEEN_COLUMN = HEADER.index("实地核查值")
INFO_SHEET = "说明"


class ChecklistError(ValueError):
    """A filled checklist cannot be read; the message is Chinese and names sheet, row and column."""


@dataclass(frozen=True)
class CheckRow:
    school_code: str
    school_name: str
    sheet: str
    excel_row: int
    field: str
    label: str
    reported: float | None
    seen: float | None
    note: str


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a school's checklist: what to verify, how, and the value the school reported."""

    field: str
    label: str
    item: str  # the indicator it feeds
    evidence: str  # the ledgers to see, the rooms to measure
    reported: Any


def _checklist_fields() -> dict[str, dict]:
    return yaml.safe_load((HERE / "checklist.yaml").read_text(encoding="utf-8"))["fields"]


def _label(field_id: str) -> str:
    if field_id.startswith("rooms."):
        return f"{field_id.removeprefix('rooms.')}专用教室间数"
    field = SCHOOLS.field(field_id)
    return field.header + (f"({field.unit})" if field.unit else "")


def _applies(field_id: str, school_type: str) -> bool:
    """Stage fields only for the 学段 the school type has (no 初中 rows for a 小学)."""
    stage = SCHOOLS.field(field_id).stage if not field_id.startswith("rooms.") else None
    kind = SCHOOL_TYPE_BY_LABEL.get(school_type)
    if field_id.startswith("rooms."):
        return bool(kind and kind.stages)
    return stage is None or bool(kind and stage in kind.stages)


def _reported(school: dict, rooms: pl.DataFrame | None, field_id: str) -> Any:
    if field_id.startswith("rooms."):
        if rooms is None:
            return None
        return rooms.filter((pl.col("school_code") == school["school_code"])
                            & (pl.col("room_type") == field_id.removeprefix("rooms."))).height
    return school.get(field_id)


def school_items(school: dict, rooms: pl.DataFrame | None) -> list[ChecklistItem]:
    """The checklist of one school (a row of the 学校 table), the fields its type has."""
    return [ChecklistItem(field_id, _label(field_id), spec["item"], spec["evidence"], _reported(school, rooms, field_id))
            for field_id, spec in _checklist_fields().items() if _applies(field_id, school["school_type"])]


def write_checklist(sample: Sample, dataset: Dataset, path: str | os.PathLike) -> Path:
    """The 核查表 workbook: a 说明 sheet (county, seed, dates, how to fill) and one sheet per school."""
    schools = {row["school_code"]: row for row in dataset.schools.iter_rows(named=True)}
    with atomic_workbook(path) as workbook:
        styles, names = Styles(workbook), SheetNames()
        info = workbook.add_worksheet(names.unique(INFO_SHEET))
        info.set_column(0, 0, 90)
        county = f"{sample.county_name}（{sample.county_code}）" if sample.county_code else sample.county_name
        lines = [f"{county} {sample.year} 年度实地督导核查表", f"抽样：{sample.population} 所学校中随机抽取 "
                 f"{sample.schools.height} 所，随机种子 {sample.seed}（同一数据与种子可复现）"]
        if sample.visit_date:
            lines.append(f"督导日期 {sample.visit_date.isoformat()}，通知学校日期 {sample.notice_date.isoformat()}")
        lines += ["填写方法：在各校工作表的“实地核查值”列填入核查所见的数值（人数、间数为整数，面积为平方米，金额为元）；",
                  "未核查的项目留空。填好后运行 junheng findings 本文件，列出与报送不符的项目并生成整改通知。"]
        for number, line in enumerate(lines):
            info.write(number, 0, line, styles.title if number == 0 else None)
        for drawn in sample.schools.iter_rows(named=True):
            school = schools[drawn["school_code"]]
            sheet = workbook.add_worksheet(names.unique(school["school_name"]))
            sheet.write(0, 0, f"{school['school_name']}（{school['school_code']}）实地核查表", styles.title)
            sheet.write(1, 0, f"{school['school_type']}，{drawn['stratum']}；核查人：            核查日期：")
            for column, (title, width) in enumerate(zip(HEADER, WIDTHS, strict=True)):
                sheet.write(3, column, title, styles.header)
                sheet.set_column(column, column, width, None, {"hidden": width == 0})
            row = 4
            for line in school_items(school, dataset.rooms):
                cells = (row - 3, line.label, line.item, line.reported, line.evidence)
                for column, cell in enumerate(cells):
                    if cell is None:
                        sheet.write_blank(row, column, None, styles.text)
                    elif isinstance(cell, int | float) and column == 3:
                        sheet.write_number(row, column, cell, styles.number("0.##"))
                    else:
                        sheet.write(row, column, cell, styles.wrap)
                sheet.write_blank(row, SEEN_COLUMN, None, styles.number("0.##"))
                sheet.write_blank(row, SEEN_COLUMN + 1, None, styles.wrap)
                sheet.write(row, HEADER.index("字段标识"), line.field)
                sheet.set_row(row, wrapped_height([(cells[1], WIDTHS[1]), (cells[4], WIDTHS[4])]))
                row += 1
            sheet.freeze_panes(4, 2)
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)  # one page wide when printed for the visit
            sheet.repeat_rows(3)
    return Path(path)


def checked_value(value: Any, where: str) -> float | None:
    """A value of the checklist as a number (None when blank); anything else — text, a negative,
    NaN or infinity — is a :class:`ChecklistError` naming ``where``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ChecklistError(f"{where}：“{str(value)[:30]}”不是有效数值（人数、间数填非负整数，面积填平方米，金额填元）")
    return number


def read_checklist(path: str | os.PathLike) -> list[CheckRow]:
    """The filled checklist: one row per field of every school sheet."""
    with unreadable_as(lambda _: ChecklistError(
            f"无法读取核查表 {path}：文件已损坏或不是 Excel 工作簿（应为 junheng sample --xlsx 写出的 .xlsx）")):
        reader = fastexcel.read_excel(str(path))
    rows: list[CheckRow] = []
    for sheet in reader.sheet_names:
        with unreadable_as(lambda _, sheet=sheet: ChecklistError(f"无法读取核查表 {path} 的工作表“{sheet}”：文件已损坏")):
            frame = reader.load_sheet_by_name(sheet, header_row=None, dtypes="string").to_polars()
        if sheet == INFO_SHEET or frame.width < len(HEADER):
            continue
        cells = frame.rows()
        header_at = next((i for i, r in enumerate(cells) if tuple(r[: len(HEADER)]) == HEADER), None)
        if header_at is None:
            continue
        title = str(cells[0][0] or "")
        code = title[title.rfind("（") + 1: title.rfind("）")] if "（" in title else ""
        name = title[: title.rfind("（")] if "（" in title else sheet
        for offset, record in enumerate(cells[header_at + 1:], start=header_at + 2):
            field_id = record[HEADER.index("字段标识")]
            if not field_id:
                continue
            where = f"工作表“{sheet}”第 {offset} 行“实地核查值”列"
            rows.append(CheckRow(code, name, sheet, offset, str(field_id), str(record[1] or field_id),
                                 checked_value(record[HEADER.index("报送值")], where.replace("实地核查值", "报送值")),
                                 checked_value(record[SEEN_COLUMN], where), str(record[SEEN_COLUMN + 1] or "")))
    if not rows:
        raise ChecklistError(f"{path} 中没有找到核查表（各校工作表应有“{'、'.join(HEADER[:-1])}”表头）")
    return rows
