"""The 问题清单 workbook: a county list sorted by severity and a 一校一案 sheet per school."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.problem_book import ITEM_COLUMNS, PLAN_COLUMNS, severity_key, write_problem_book
from junheng.problems import KIND_ORDER, kind_label
from junheng.standards import load_standard

HEADER_ROW = 4  # as Excel shows it


@pytest.fixture(scope="module")
def book(youzhi, tmp_path_factory):
    path = tmp_path_factory.mktemp("problems") / "问题清单.xlsx"
    write_problem_book(youzhi, path)
    return openpyxl.load_workbook(path)


def rows_of(sheet, width: int) -> list[list]:
    return [[sheet.cell(r, c).value for c in range(1, width + 1)]
            for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, 2).value is not None]


def test_county_sheet_lists_every_problem_most_serious_first(youzhi, book):
    problems = youzhi.to_dict()["problems"]
    sheet = book["问题清单"]
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 13)]
    assert headers == ["序号", "学校标识码", "学校名称", *ITEM_COLUMNS]
    rows = rows_of(sheet, len(headers))
    assert len(rows) == len(problems)
    blocking = [row[headers.index("是否影响达标")] == "是" for row in rows]
    assert blocking == sorted(blocking, reverse=True)  # all blocking items first
    assert any(blocking) and not all(blocking)
    params = youzhi.params_by_year[2024]
    rank = {kind_label(kind, params): i for i, kind in enumerate(KIND_ORDER)}
    kind_ranks = [rank[row[headers.index("问题类型")]] for row, b in zip(rows, blocking, strict=True) if b]
    assert kind_ranks == sorted(kind_ranks)
    by_code = {(p["school_code"], p["item"], p.get("room_type")) for p in problems}
    assert {(r[1], r[4].split()[0]) for r in rows} == {(code, item) for code, item, _ in by_code}
    first = next(p for p in problems if p["school_code"] == rows[0][1] and p["item"] == rows[0][4].split()[0])
    assert rows[0][headers.index("缺口")] == first["school_shortfall"]
    assert rows[0][headers.index("说明")] == first["message"]


def test_severity_order_ranks_blocking_then_kind_then_relative_gap():
    items = [
        {"kind": "cv_driver", "blocking": True},
        {"kind": "below_standard", "blocking": False, "value": 1, "standard": 2},
        {"kind": "below_standard", "blocking": True, "value": 9, "standard": 10},
        {"kind": "below_standard", "blocking": True, "value": 5, "standard": 10},
        {"kind": "below_floor", "blocking": True, "value": 8, "standard": 10},
    ]
    ordered = sorted(items, key=severity_key)
    assert ordered == [items[4], items[3], items[2], items[0], items[1]]


def test_one_sheet_per_school_with_plan_columns_and_date_check(youzhi, book):
    problems = youzhi.to_dict()["problems"]
    codes = {p["school_code"] for p in problems}
    assert len(book.sheetnames) == 1 + len(codes)
    county = book["问题清单"]
    links = {county.cell(r, 2).value: county.cell(r, 3).hyperlink.location
             for r in range(HEADER_ROW + 1, county.max_row + 1) if county.cell(r, 3).hyperlink}
    assert set(links) == codes
    for code, location in links.items():
        sheet = book[location.split("!")[0].strip("'")]
        assert code in sheet["A1"].value
        headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 15)]
        assert headers == ["序号", *ITEM_COLUMNS, *PLAN_COLUMNS]
        items = rows_of(sheet, len(headers))
        assert len(items) == sum(1 for p in problems if p["school_code"] == code)
        assert all(row[headers.index("整改措施")] is None for row in items)
        date_col = openpyxl.utils.get_column_letter(headers.index("完成时限") + 1)
        checks = [v for v in sheet.data_validations.dataValidation if v.type == "date"]
        assert len(checks) == 1 and str(checks[0].sqref).startswith(f"{date_col}{HEADER_ROW + 1}:{date_col}")
        assert sheet.cell(HEADER_ROW + 1, headers.index("完成时限") + 1).number_format == "yyyy-mm-dd"


def test_school_sheet_names_are_legal_and_unique(tmp_path):
    demo = demo_dataset()
    # Two failing schools given the same over-long name full of characters Excel forbids.
    awkward = "清溪县[白沙镇]:西岭*小学?/东山\\教学点与附属幼儿园联合体"
    schools = demo.schools.with_columns(
        school_name=pl.when(pl.col("school_code").is_in(["3301010026", "3301010027"]))
        .then(pl.lit(awkward)).otherwise(pl.col("school_name")))
    renamed = evaluate(type(demo)(schools, demo.rooms, demo.county, demo.monitoring), load_standard("youzhi-2017"))
    names = openpyxl.load_workbook(write_problem_book(renamed, tmp_path / "p.xlsx")).sheetnames
    assert len(names) == len({n.casefold() for n in names})
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert sum(1 for n in names if n.startswith("清溪县_白沙镇__西岭_小学")) == 2


def test_no_problems_says_so(tmp_path):
    jiben = evaluate(demo_dataset(), load_standard("jiben-2012"))
    assert jiben.to_dict()["problems"] == []
    book = openpyxl.load_workbook(write_problem_book(jiben, tmp_path / "none.xlsx"))
    assert book.sheetnames == ["问题清单"]
    assert book["问题清单"]["A5"].value == "未发现问题。"


def test_one_county_book_is_written_to_exactly_the_path_given(youzhi, tmp_path):
    """The web app writes to a temporary name (``x.xlsx.part12``) and moves it into place."""
    from junheng.io.problem_book import write_problem_book

    target = tmp_path / "2024-problem-book-r5.part123"
    assert write_problem_book(youzhi, target) == target
    assert target.is_file()
