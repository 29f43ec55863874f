"""The imported data set as the ordinary fill-in workbook (填报模板), with what is left to fill marked.

The 学校 sheet is the template's (same headers, notes, drop-downs and protection), prefilled with
every value 事业统计 gave; each cell still to fill is highlighted, unlocked and carries a note
saying why it is blank. A sheet 事业统计导入 lists, per school, the cell each value came from and
every field left to fill, so a reviewer can trace any number back to the export.
"""

from __future__ import annotations

import os
from pathlib import Path

from junheng.io.template import TemplateWriter
from junheng.io.xlsx import HEADER_FILL, atomic_workbook
from junheng.schema import COUNTY, MONITORING, ROOMS, SCHOOLS

from .importer import TongjiImport
from .specs import ROOMS_NOTE, VERSION_ZH

IMPORT_SHEET = "事业统计导入"
TO_FILL = "#FFF2CC"
_COLUMNS = (("学校标识码", 12), ("学校名称", 24), ("导出文件", 28), ("表头", 30), ("取值", 12), ("来源单元格 / 说明", 60))


def write_import_workbook(result: TongjiImport, path: str | os.PathLike) -> Path:
    """Write the fill-in workbook of ``result`` to ``path`` (atomically) and return the path."""
    rows = [_row(record.values) for record in result.records]
    years = {r["year"] for r in rows}
    counties = {r.get("county_name") for r in rows}
    year = years.pop() if len(years) == 1 else None
    county = counties.pop() if len(counties) == 1 else None
    county_rows = sorted({(r["year"], r.get("county_code"), r.get("county_name")) for r in rows}, key=str)
    with atomic_workbook(path) as workbook:
        writer = TemplateWriter(workbook)
        writer.guide_sheet(year, county)
        schools = writer.table_sheet(SCHOOLS, rows, year, county)
        to_fill = workbook.add_format({"locked": False, "bg_color": TO_FILL, "border": 1, "border_color": "#BF9000"})
        column_of = {f.id: i for i, f in enumerate(SCHOOLS.fields)}
        for row_number, record in enumerate(result.records, start=1):
            for field_id, reason in record.to_fill.items():
                col = column_of[field_id]
                schools.write_blank(row_number, col, None, to_fill)
                schools.write_comment(row_number, col, f"待补填：{reason}", {"author": "junheng"})
        writer.table_sheet(ROOMS, [], year, county)
        writer.table_sheet(COUNTY, [{"year": y, "county_code": c, "county_name": n} for y, c, n in county_rows],
                           year, county)
        writer.table_sheet(MONITORING, [], year, county)
        _import_sheet(workbook, result)
    return Path(path)


def _row(values: dict) -> dict:
    from .importer import plain_value

    return {k: plain_value(v) for k, v in values.items() if not k.startswith("_")}


def _import_sheet(workbook, result: TongjiImport) -> None:
    sheet = workbook.add_worksheet(IMPORT_SHEET)
    header = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True})
    fill = workbook.add_format({"bg_color": TO_FILL, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, (name, width) in enumerate(_COLUMNS):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, width)
    row = 1
    for record in result.records:
        code, name = str(record.values.get("school_code", "")), str(record.values.get("school_name", ""))
        files = f"{record.file}（{VERSION_ZH.get(record.version, record.version)}）"
        for field in SCHOOLS.fields:
            if field.id in record.to_fill:
                cells = (code, name, files, field.display_header, "待补填", record.to_fill[field.id])
                style = fill
            elif field.id in record.sources:
                value = _row({field.id: record.values[field.id]})[field.id]
                cells = (code, name, files, field.display_header, value, " + ".join(record.sources[field.id]))
                style = wrap
            else:
                continue
            for col, value in enumerate(cells):
                if isinstance(value, int | float):
                    sheet.write_number(row, col, value, style)
                else:
                    sheet.write_string(row, col, str(value), style)
            row += 1
        for text in (ROOMS_NOTE, *record.notices):
            for col, value in enumerate((code, name, files, "专用教室" if text == ROOMS_NOTE else "提示", "", text)):
                sheet.write_string(row, col, value, fill if text == ROOMS_NOTE else wrap)
            row += 1
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(row - 1, 1), len(_COLUMNS) - 1)
