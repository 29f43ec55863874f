"""The importer reads what counties actually type: workbooks, CSV in three encodings, units, variants."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from import_helpers import (
    YEAR,
    county,
    errors_of,
    grid,
    monitoring,
    room,
    school,
    write_csv,
    write_xlsx,
)
from junheng.demo import demo_dataset
from junheng.io import read_dataset, read_dataset_with_warnings
from junheng.io.dataset_writer import write_dataset_csv, write_dataset_xlsx
from junheng.schema import TABLES

DATA = Path(__file__).parent / "data" / "import"


def _full_workbook(tmp_path, schools=None, **sheets):
    return write_xlsx(tmp_path / "data.xlsx", {
        "学校": grid("schools", schools or [school()]),
        "专用教室": grid("rooms", [room()]),
        "县级指标": grid("county", [county()]),
        "质量监测": grid("monitoring", [monitoring()]),
        **sheets,
    })


def test_workbook_gives_typed_canonical_frames(tmp_path):
    ds = read_dataset(_full_workbook(tmp_path))
    s = ds.schools
    assert s.columns == [f.id for f in TABLES["schools"].fields] + ["source_row"]
    assert s.schema["primary_students"] == pl.Int64
    assert s.schema["teaching_area"] == pl.Float64
    assert s.schema["boarding"] == pl.Boolean
    row = s.row(0, named=True)
    assert row["school_code"] == "3301010001" and row["school_type"] == "小学"
    assert row["primary_students"] == 600 and row["teaching_area"] == 3900.5
    assert row["boarding"] is False and row["source_row"] == 2
    assert row["junior_students"] is None  # absent column: null, never 0
    assert ds.monitoring.row(0, named=True)["level"] == 3
    assert ds.county.row(0, named=True)["layout_ok"] is True
    assert ds.rooms.row(0, named=True)["area"] == 96.0
    assert ds.source.endswith("data.xlsx")


def test_canonical_ids_as_headers_and_sheet_names(tmp_path):
    ids = {f.id: f.id for t in TABLES.values() for f in t.fields}
    path = write_xlsx(tmp_path / "ids.xlsx", {
        "schools": grid("schools", [school()], ids),
        "rooms": grid("rooms", [room()], ids),
    })
    ds = read_dataset(path)
    assert ds.schools.item(0, "primary_teachers") == 35
    assert ds.rooms.height == 1
    assert ds.county is None and ds.monitoring is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_folder_in_each_encoding(tmp_path, encoding):
    write_csv(tmp_path / "schools.csv", grid("schools", [school(), school(school_code="3301010002")]), encoding)
    write_csv(tmp_path / "county.csv", grid("county", [county()]), encoding)
    ds = read_dataset(tmp_path)
    assert ds.schools.get_column("county_name").to_list() == ["清溪县", "清溪县"]
    assert ds.schools.get_column("source_row").to_list() == [2, 3]
    assert ds.county.item(0, "teachers_total") == 900
    assert ds.rooms is None


def test_csv_files_may_carry_the_chinese_sheet_names(tmp_path):
    write_csv(tmp_path / "学校.csv", grid("schools", [school()]))
    write_csv(tmp_path / "专用教室.csv", grid("rooms", [room(), room(room_type="美术教室")]))
    ds = read_dataset(tmp_path)
    assert ds.rooms.get_column("room_type").to_list() == ["音乐", "美术"]


@pytest.mark.parametrize(("header", "typed", "exact"), [
    ("教学仪器设备值(万元)", 12.3456, "123456"),
    ("教学仪器设备值（万元）", "0.1", "1000"),
    ("教学仪器设备值【千元】", "1,234.567", "1234567"),
    ("equipment_value(亿元)", "0.00000001", "1"),
    ("教学仪器设备值(万元)", "0.00003", "0.3"),
    ("教学仪器设备值(元)", "1500000.35", "1500000.35"),
])
def test_money_units_in_the_header_convert_exactly(tmp_path, header, typed, exact):
    path = write_xlsx(tmp_path / "u.xlsx", {"学校": grid("schools", [school(equipment_value=typed)],
                                                          {"equipment_value": header})})
    value = read_dataset(path).schools.item(0, "equipment_value")
    assert Fraction(repr(value)) == Fraction(exact)  # the float's repr is the exact decimal


def test_area_units_and_full_width_brackets(tmp_path):
    headers = {"teaching_area": "教学及辅助用房面积（平方米）", "sports_field_area": "运动场地面积(m²)",
               "county_name": "县（区）"}
    path = write_xlsx(tmp_path / "a.xlsx", {"学校": grid("schools", [school()], headers)})
    row = read_dataset(path).schools.row(0, named=True)
    assert (row["teaching_area"], row["sports_field_area"], row["county_name"]) == (3900.5, 6000.0, "清溪县")


def test_cells_as_people_type_them(tmp_path):
    typed = school(primary_students="１，２３４", primary_classes=" 30 ", primary_teachers="80.0",
                   teaching_area="3,900.50", school_type="完全小学", ownership="公立", boarding="Y",
                   area_type="农村", school_code="  3301010001 ")
    path = write_csv(tmp_path / "schools.csv", grid("schools", [typed]))
    row = read_dataset(path).schools.row(0, named=True)
    assert row["primary_students"] == 1234 and row["primary_classes"] == 30 and row["primary_teachers"] == 80
    assert row["teaching_area"] == 3900.5
    assert (row["school_type"], row["ownership"], row["boarding"], row["area_type"]) == ("小学", "公办", True, "乡村")
    assert row["school_code"] == "3301010001"


def test_excel_whole_numbers_stored_as_floats_are_counts(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"学校": grid("schools", [school(primary_students=600.0)])})
    assert read_dataset(path).schools.item(0, "primary_students") == 600


@pytest.mark.parametrize("level", ["Ⅲ", "III", "3", "三级", "Ⅲ级", 3])
def test_level_variants(tmp_path, level):
    path = write_xlsx(tmp_path / "l.xlsx", {"学校": grid("schools", [school()]),
                                             "质量监测": grid("monitoring", [monitoring(level=level)])})
    assert read_dataset(path).monitoring.item(0, "level") == 3


ONLY_SCHOOLS = "未提供专用教室、县级指标、质量监测表：依赖这些表的项目为“未评估”"


def test_blank_rows_are_skipped_reported_and_never_truncate(tmp_path):
    rows = grid("schools", [school(school_code=f"330101000{i}") for i in range(1, 4)])
    rows = [rows[0], rows[1], None, None, rows[2], None, rows[3], None, None]
    path = write_xlsx(tmp_path / "b.xlsx", {"学校": rows})
    ds, warnings = read_dataset_with_warnings(path)
    assert ds.schools.get_column("school_code").to_list() == ["3301010001", "3301010002", "3301010003"]
    assert ds.schools.get_column("source_row").to_list() == [2, 5, 7]
    assert warnings == ["学校 表第 3、4、6 行是空行，已跳过", ONLY_SCHOOLS]


def test_blank_csv_lines_keep_line_numbers(tmp_path):
    rows = grid("schools", [school(school_code=f"330101000{i}") for i in range(1, 3)])
    path = write_csv(tmp_path / "schools.csv", [rows[0], None, rows[1], [None, None], rows[2]])
    ds, warnings = read_dataset_with_warnings(path)
    assert ds.schools.get_column("source_row").to_list() == [3, 5]
    assert warnings == ["schools.csv 第 2、4 行是空行，已跳过", ONLY_SCHOOLS]


def test_title_and_leading_blank_rows_above_the_header(tmp_path):
    rows = grid("schools", [school()])
    path = write_xlsx(tmp_path / "t.xlsx", {"学校": [None, ["清溪县 2024 年学校基本情况表"], *rows]})
    ds = read_dataset(path)
    assert ds.schools.item(0, "source_row") == 4


def test_missing_tables_are_none_and_empty_sheets_empty_frames(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", {"学校": grid("schools", [school()]), "专用教室": [],
                                             "县级指标": grid("county", [])})
    ds = read_dataset(path)
    assert ds.rooms is not None and ds.rooms.height == 0
    assert ds.rooms.schema["area"] == pl.Float64 and "source_row" in ds.rooms.columns
    assert ds.county.height == 0 and ds.county.schema["layout_ok"] == pl.Boolean
    assert ds.monitoring is None


def test_unknown_columns_are_ignored(tmp_path):
    rows = grid("schools", [school()])
    rows[0].append("备注")
    rows[1].append("新建校区")
    assert read_dataset(write_xlsx(tmp_path / "x.xlsx", {"学校": rows})).schools.height == 1


def test_special_schools_need_no_facility_figures(tmp_path):
    special = school(school_code="3301010009", school_type="特殊教育学校", primary_students=None,
                     primary_classes=None, primary_teachers=None, primary_teachers_above_degree=None,
                     primary_key_teachers=None, primary_pe_arts_teachers=None, teaching_area=None,
                     sports_field_area=None, equipment_value=None, multimedia_rooms=None, indoor_sports_area=None)
    path = write_xlsx(tmp_path / "s.xlsx", {"学校": grid("schools", [school(), special])})
    assert read_dataset(path).schools.item(1, "school_type") == "特殊教育学校"


ROOMS_TOLD_APART = "按不同的教室分别计入（同一间教室重复填写的请删除；不同教室可在“教室名称/编号”列注明以区分）"


def test_identical_room_rows_are_rooms_with_one_summary_notice(tmp_path):
    rooms = [room(), room(), room(room_type="美术", area=90), room(room_type="美术", area=90), room()]
    path = _full_workbook(tmp_path, 专用教室=grid("rooms", rooms))
    ds, warnings = read_dataset_with_warnings(path)
    assert ds.rooms.height == 5
    assert warnings == [f"专用教室 表第 3、5、6 行与前面的某一行完全相同，{ROOMS_TOLD_APART}"]


def test_rooms_told_apart_by_their_name_are_not_identical(tmp_path):
    rooms = [room(room_name="音乐教室1"), room(room_name="音乐教室2")]
    path = _full_workbook(tmp_path, 专用教室=grid("rooms", rooms))
    ds, warnings = read_dataset_with_warnings(path)
    assert ds.rooms.get_column("room_name").to_list() == ["音乐教室1", "音乐教室2"]
    assert warnings == []


def test_legacy_xls_workbook():
    ds = read_dataset(DATA / "schools.xls")
    assert ds.schools.get_column("school_code").to_list() == ["3301010001", "3301010002"]
    assert ds.schools.item(0, "equipment_value") == 123456.0  # typed 12.3456 under 教学仪器设备值(万元)
    assert ds.rooms.height == 1


@pytest.mark.parametrize("writer", ["xlsx", "csv"])
def test_demo_data_set_round_trips(tmp_path, writer):
    demo = demo_dataset()
    path = write_dataset_xlsx(demo, tmp_path / "demo.xlsx") if writer == "xlsx" else \
        write_dataset_csv(demo, tmp_path / "csv")
    back = read_dataset(path)
    for table in TABLES:
        assert_frame_equal(getattr(back, table).drop("source_row"), getattr(demo, table))


def test_schools_of_several_years(tmp_path):
    rows = [school(), school(year=YEAR + 1)]
    assert read_dataset(write_xlsx(tmp_path / "y.xlsx", {"学校": grid("schools", rows)})).schools.height == 2


def test_names_are_kept_as_typed_while_numbers_are_folded(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", {"学校": grid("schools", [
        school(school_name="清溪县实验小学（东校区）", primary_students="６００")])})
    row = read_dataset(str(path)).schools.row(0, named=True)
    assert row["school_name"] == "清溪县实验小学（东校区）" and row["primary_students"] == 600


def test_a_row_with_only_a_note_is_not_blank(tmp_path):
    rows = grid("schools", [school()])
    rows[0].append("备注")
    rows.append([None] * (len(rows[0]) - 1) + ["学校已撤并"])
    assert "学校 表第 3 行“年度”列：必填项为空" in errors_of(write_xlsx(tmp_path / "n.xlsx", {"学校": rows}))


def test_rates_in_the_wrong_form_are_warned_about(tmp_path):
    path = _full_workbook(tmp_path, 县级指标=grid("county", [county(recognition_rate=0.915)]),
                          质量监测=grid("monitoring", [monitoring(school_gap_rate=12)]))
    ds, warnings = read_dataset_with_warnings(path)
    assert ds.county.item(0, "recognition_rate") == 0.915  # read as typed: the warning says how
    assert warnings == [
        "县级指标 表第 2 行“社会认可度(%)”列：值“0.915”按百分数读作 0.915%；若本意是 91.5%，请填 91.5",
        "质量监测 表第 2 行“校际差异率”列：值“12”大于 1；校际差异率按小数填写，若本意是 12%，请填 0.12",
    ]


def test_plain_and_folded_spellings_in_one_column_give_the_same_values(tmp_path):
    folded = school(school_code="3301010002", county_code="３３０１０１", primary_students="６００",
                    teaching_area="3900.5 ", school_type=" 小学", boarding="Ｎ", primary_classes="14.0")
    path = write_csv(tmp_path / "schools.csv", grid("schools", [school(), folded]))
    rows = read_dataset(path).schools.drop("school_code", "source_row").rows()
    assert rows[0] == rows[1]
