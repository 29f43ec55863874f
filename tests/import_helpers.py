"""Build small input files for the importer tests: valid rows, written as xlsx or CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from junheng.io import InputErrors, read_dataset
from junheng.schema import TABLES

YEAR = 2024


def school(**changes) -> dict:
    """A valid 小学 row (field id → value as typed); ``changes`` override or (None) blank fields."""
    row = {
        "year": YEAR, "county_code": "330101", "county_name": "清溪县", "school_code": "3301010001",
        "school_name": "清溪县实验小学", "school_type": "小学", "ownership": "公办", "area_type": "城区",
        "boarding": "否", "primary_students": 600, "primary_classes": 14, "primary_teachers": 35,
        "primary_teachers_above_degree": 33, "primary_key_teachers": 8, "primary_pe_arts_teachers": 5,
        "primary_senior_title_teachers": 20, "teaching_area": 3900.5, "indoor_sports_area": 300,
        "sports_field_area": 6000, "equipment_value": 1500000, "multimedia_rooms": 16,
    }
    row.update(changes)
    return row


def room(**changes) -> dict:
    return {"year": YEAR, "school_code": "3301010001", "room_type": "音乐", "area": 96, **changes}


def county(**changes) -> dict:
    return {"year": YEAR, "county_code": "330101", "county_name": "清溪县", "teachers_total": 900,
            "teachers_trained_360h": 880, "exchange_eligible": 200, "exchanged": 40, "exchanged_key": 10,
            "recognition_rate": 91.5, "layout_ok": "是", **changes}


def monitoring(**changes) -> dict:
    return {"year": YEAR, "county_name": "清溪县", "subject": "数学", "level": "Ⅲ", "school_gap_rate": 0.12,
            **changes}


def grid(table_id: str, rows: list[dict], headers: dict[str, str] | None = None) -> list[list]:
    """Header row (Chinese display headers unless ``headers`` renames) and the rows, in schema order."""
    fields = [f for f in TABLES[table_id].fields if any(f.id in r for r in rows) or not rows]
    names = {f.id: f.display_header for f in fields} | (headers or {})
    return [[names[f.id] for f in fields]] + [[r.get(f.id) for f in fields] for r in rows]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Numbers as numbers, text as text, ``None`` as an empty cell; a ``None`` row is a blank row."""
    with xlsxwriter.Workbook(path) as workbook:
        for name, rows in sheets.items():
            sheet = workbook.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row or []):
                    if isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    elif value is not None:
                        sheet.write_string(r, c, str(value))
    return path


def csv_text(rows: list[list]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if any(ch in text for ch in ',"\n') else text
    return "".join(",".join(cell(v) for v in (row or [])) + "\n" for row in rows)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def errors_of(path: Path) -> list[str]:
    """The Chinese error lines for ``path`` (the test fails if it reads without error)."""
    with pytest.raises(InputErrors) as caught:
        read_dataset(path)
    return str(caught.value).splitlines()
