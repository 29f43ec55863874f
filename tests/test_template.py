"""The fill-in template: schema headers, input checks, protection, prefill, and a filled copy that
reads and evaluates exactly like the same data from CSV files."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest
from openpyxl.utils import get_column_letter

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io import InputErrors, read_dataset
from junheng.io.dataset_writer import write_dataset_csv
from junheng.io.template import (
    DATA_ROWS,
    GUIDE_SHEET,
    IDENTITY_FIELDS,
    required_label,
    write_template,
)
from junheng.schema import LEVEL_LABELS, SCHOOLS, TABLES
from junheng.standards import load_standard
from libreoffice import convert_to_pdf


@pytest.fixture(scope="module")
def demo():
    return demo_dataset()


@pytest.fixture(scope="module")
def prefilled(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "填报模板.xlsx"
    write_template(path, year=2024, county="清溪县", schools_from=demo)
    return path


def validations_by_column(sheet) -> dict[str, object]:
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, DATA_ROWS + 1)
            found[get_column_letter(cell_range.min_col)] = validation
    return found


def test_blank_template_has_schema_headers_notes_and_input_checks(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "blank.xlsx"))
    assert book.sheetnames == [GUIDE_SHEET, *(t.sheet for t in TABLES.values())]
    for table in TABLES.values():
        sheet = book[table.sheet]
        assert [c.value for c in sheet[1]] == [f.display_header for f in table.fields]
        assert sheet.max_row == 1  # nothing prefilled
        assert sheet.freeze_panes in ("A2", "F2")
        assert sheet.protection.sheet and not sheet.protection.insertRows and not sheet.protection.formatCells
        checks = validations_by_column(sheet)
        for col, field in enumerate(table.fields, start=1):
            header = sheet.cell(1, col)
            assert header.protection.locked
            assert required_label(field) in header.comment.text and field.id in header.comment.text
            if field.help:
                assert field.help in header.comment.text
            letter = get_column_letter(col)
            check = checks.get(letter)
            if field.type in ("enum", "level"):
                assert check.type == "list" and check.formula1 == '"' + ",".join(field.choices) + '"'
            elif field.type == "bool":
                assert check.type == "list" and check.formula1 == '"是,否"'
            elif field.type == "int":
                assert check.type == "whole"
                assert check.formula1 in ("0", "1900")  # counts ≥ 0; years 1900–2100
            elif field.type == "decimal":
                assert check.type == "decimal" and check.formula1 == "0"
            elif field.type == "code" and field.digits:
                assert check.type == "textLength" and check.formula1 == str(field.digits)
            else:
                assert check is None
        unlocked = {d.min: d for d in sheet.column_dimensions.values()}
        assert all(not d.protection.locked for d in unlocked.values())
    guide = " ".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "万元" in guide and "是/否" in guide and "报送" in guide


def test_year_and_county_without_schools_prefill_the_county_row(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", year=2025, county="白水县"))
    assert book["学校"].max_row == 1
    year_check = validations_by_column(book["学校"])["A"]
    assert year_check.type == "list" and year_check.formula1 == '"2025"'
    county = book["县级指标"]
    assert (county["A2"].value, county["C2"].value) == (2025, "白水县")


def test_schools_from_prefills_identity_columns_only(demo, prefilled):
    sheet = openpyxl.load_workbook(prefilled)["学校"]
    headers = {c.value: c.column for c in sheet[1]}
    assert sheet.max_row == 1 + demo.schools.height
    expected = demo.schools.sort("school_code")
    for row, school in enumerate(expected.iter_rows(named=True), start=2):
        for field in SCHOOLS.fields:
            cell = sheet.cell(row, headers[field.display_header])
            if field.id not in IDENTITY_FIELDS or school[field.id] is None:
                assert cell.value is None, field.id
            elif field.type == "bool":
                assert cell.value == ("是" if school[field.id] else "否")
            else:
                assert cell.value == school[field.id]
                assert isinstance(cell.value, str) is (field.type in ("code", "text", "enum"))
            if cell.value is not None:
                assert not cell.protection.locked


def test_schools_from_selects_a_county_by_code_and_rejects_an_unknown_one(demo, tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", county="330101", schools_from=demo))
    assert book["学校"].max_row == 1 + demo.schools.height
    assert book["县级指标"]["C2"].value == "清溪县"
    with pytest.raises(InputErrors, match="没有“白水县”的学校"):
        write_template(tmp_path / "u.xlsx", county="白水县", schools_from=demo)
    assert not (tmp_path / "u.xlsx").exists()


def _typed_as_a_person_would(value, field, index: int):
    """Numbers mostly as numbers, every third one typed as text; 是/否 and Ⅰ–Ⅳ as words."""
    if field.type == "bool":
        return "是" if value else "否"
    if field.type == "level":
        return LEVEL_LABELS[value - 1]
    if field.type in ("int", "decimal") and index % 3 == 0:
        return str(value)
    return value


def fill(template, demo, target):
    """Fill the prefilled template with the demo data through openpyxl, as a person typing would."""
    book = openpyxl.load_workbook(template)
    schools = {row["school_code"]: row for row in demo.schools.iter_rows(named=True)}
    sheet = book["学校"]
    fields = {c.column: SCHOOLS.field(next(f.id for f in SCHOOLS.fields if f.display_header == c.value))
              for c in sheet[1]}
    typed = 0
    for row in range(2, sheet.max_row + 1):
        school = schools[sheet.cell(row, 4).value]
        for col, field in fields.items():
            if field.id not in IDENTITY_FIELDS and school[field.id] is not None:
                typed += 1
                sheet.cell(row, col).value = _typed_as_a_person_would(school[field.id], field, typed)
    for table_id in ("rooms", "county", "monitoring"):
        table, frame = TABLES[table_id], getattr(demo, table_id)
        sheet = book[table.sheet]
        for row, record in enumerate(frame.iter_rows(named=True), start=2):
            for col, field in enumerate(table.fields, start=1):
                if record[field.id] is not None:
                    typed += 1
                    sheet.cell(row, col).value = _typed_as_a_person_would(record[field.id], field, typed)
    book.save(target)
    return target


def without_source_rows(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    return None if frame is None else frame.drop("source_row", strict=False)


def test_filled_template_reads_and_evaluates_like_the_csv_folder(demo, prefilled, tmp_path):
    filled = read_dataset(fill(prefilled, demo, tmp_path / "已填写.xlsx"))
    from_csv = read_dataset(write_dataset_csv(demo, tmp_path / "csv"))
    for table_id in TABLES:
        assert without_source_rows(getattr(filled, table_id)).equals(
            without_source_rows(getattr(from_csv, table_id))), table_id
    standard = load_standard("youzhi-2017")
    assert evaluate(filled, standard).to_dict() == evaluate(from_csv, standard).to_dict()


def test_libreoffice_opens_the_filled_template(demo, prefilled, tmp_path):
    filled = fill(prefilled, demo, tmp_path / "filled.xlsx")
    blank = write_template(tmp_path / "blank.xlsx")
    for pdf in convert_to_pdf([filled, blank], tmp_path):
        assert pdf.read_bytes().startswith(b"%PDF")
