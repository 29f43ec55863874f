"""Every kind of bad input gives a Chinese line naming sheet, row (as Excel shows it), column and value."""

from __future__ import annotations

import pytest

from import_helpers import (
    county,
    csv_text,
    errors_of,
    grid,
    monitoring,
    room,
    school,
    write_csv,
    write_xlsx,
)
from junheng.io import InputError, InputErrors, read_dataset
from junheng.io.errors import MAX_REPORTED_ERRORS


def _schools(tmp_path, *rows, headers=None, **sheets):
    """A workbook whose 学校 sheet holds ``rows`` (row 2, 3 …) plus any other sheets given."""
    return write_xlsx(tmp_path / "bad.xlsx", {"学校": grid("schools", list(rows), headers), **sheets})


# ---- one cell, one error ---------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "header", "value", "problem"), [
    ("primary_students", "小学在校生数(人)", "不详", "不是非负整数"),
    ("primary_students", "小学在校生数(人)", "-3", "不是非负整数"),
    ("primary_students", "小学在校生数(人)", 12.5, "不是非负整数"),
    ("teaching_area", "教学及辅助用房面积(㎡)", "约3000", "不是非负数"),
    ("teaching_area", "教学及辅助用房面积(㎡)", "-1.5", "不是非负数"),
    ("school_type", "学校类型", "幼儿园", "不是有效的学校类型（可填：小学、初中"),
    ("ownership", "办学性质", "合资", "不是有效的办学性质（可填：公办、民办）"),
    ("boarding", "是否寄宿制", "部分", "应填“是”或“否”"),
    ("county_code", "县(区)代码", "33010", "应为 6 位数字"),
    ("school_code", "学校标识码", "3301-0001", "只能由数字和字母组成"),
])
def test_bad_cell(tmp_path, field, header, value, problem):
    lines = errors_of(_schools(tmp_path, school(), school(**{"school_code": "3301010002", field: value})))
    assert len(lines) == 1
    assert lines[0].startswith(f"学校 表第 3 行“{header}”列：值“{value}”{problem}")


def test_the_example_of_the_brief(tmp_path):
    rows = [school(school_code=f"33010100{i:02}") for i in range(5)] + [school(school_code="3301010099",
                                                                                 primary_students="不详")]
    headers = {"primary_students": "小学在校生数"}
    assert errors_of(_schools(tmp_path, *rows, headers=headers)) == ["学校 表第 7 行“小学在校生数”列：值“不详”不是非负整数"]


def test_bad_level_and_negative_gap_rate(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), 质量监测=grid("monitoring", [
        monitoring(level="Ⅴ"), monitoring(subject="语文", school_gap_rate="-0.1")])))
    assert lines == ["质量监测 表第 2 行“学业水平”列：值“Ⅴ”不是有效的学业水平（可填：Ⅰ、Ⅱ、Ⅲ、Ⅳ）",
                     "质量监测 表第 3 行“校际差异率”列：值“-0.1”不是非负数"]


def test_csv_errors_name_the_file_and_its_line(tmp_path):
    rows = grid("schools", [school(school_name="清溪县\n实验小学"), school(school_code="3301010002",
                                                                         primary_classes="十四")])
    write_csv(tmp_path / "schools.csv", rows, "gb18030")
    assert errors_of(tmp_path) == ["schools.csv 第 4 行“小学班级数(个)”列：值“十四”不是非负整数"]


# ---- required values and columns -------------------------------------------------------------------

def test_required_value_missing(tmp_path):
    lines = errors_of(_schools(tmp_path, school(school_name=None, ownership=" ")))
    assert lines == ["学校 表第 2 行“学校名称”列：必填项为空", "学校 表第 2 行“办学性质”列：必填项为空"]


def test_stage_value_required_by_the_school_type(tmp_path):
    lines = errors_of(_schools(tmp_path, school(primary_key_teachers=None)))
    assert lines == ["学校 表第 2 行“小学县级及以上骨干教师数(人)”列：学校类型为小学，此项必填"]


def test_facility_value_required_except_for_special_and_vocational_schools(tmp_path):
    special = school(school_code="3301010002", school_type="职业学校", equipment_value=None)
    lines = errors_of(_schools(tmp_path, school(equipment_value=None), special))
    assert lines == ["学校 表第 2 行“教学仪器设备值(元)”列：必填项为空"]


def test_required_column_missing(tmp_path):
    rows = [{k: v for k, v in school().items() if k != "school_code"}]
    assert errors_of(_schools(tmp_path, *rows)) == ["学校 表：缺少必填列“学校标识码”"]


def test_stage_column_missing_when_a_school_type_needs_it(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), school(school_code="3301010002", school_type="完全中学",
                                                         primary_students=None)))
    assert "学校 表：缺少“初中在校生数(人)”列（第 3 行等学校的学校类型须填写此列）" in lines
    assert "学校 表：缺少“高中在校生数(人)”列（第 3 行等学校的学校类型须填写此列）" in lines


def test_a_wholly_empty_school_sheet(tmp_path):
    assert errors_of(write_xlsx(tmp_path / "e.xlsx", {"学校": []})) == ["学校 表：没有任何学校数据"]


# ---- headers -----------------------------------------------------------------------------------------

def test_unknown_unit_for_money_is_an_error(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), headers={"equipment_value": "教学仪器设备值(美元)"}))
    assert lines == ["学校 表第 1 行“教学仪器设备值(美元)”列：表头中的单位“美元”无法识别（可用：元、万元、千元、亿元）"]


def test_unit_that_does_not_fit_a_count(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), headers={"primary_students": "小学在校生数(万人)"}))
    assert lines == ["学校 表第 1 行“小学在校生数(万人)”列：表头中的单位“万人”不适用于此项（应为“人”或不写单位）"]


def test_the_same_field_in_two_columns(tmp_path):
    rows = grid("schools", [school()])
    rows[0].append("year")
    rows[1].append(2024)
    assert errors_of(write_xlsx(tmp_path / "d.xlsx", {"学校": rows})) == \
        ["学校 表第 1 行“year”列：与“年度”列是同一项，只能保留一列"]


# ---- cross-field rules -------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "header"), [
    ("primary_teachers_above_degree", "小学专科及以上学历专任教师数(人)"),
    ("primary_key_teachers", "小学县级及以上骨干教师数(人)"),
    ("primary_pe_arts_teachers", "小学体育艺术专任教师数(人)"),
    ("primary_senior_title_teachers", "小学中级及以上职称专任教师数(人)"),
])
def test_teacher_subsets_within_the_stage_total(tmp_path, field, header):
    lines = errors_of(_schools(tmp_path, school(**{field: 36})))
    assert lines == [f"学校 表第 2 行“{header}”列：值“36”大于“小学专任教师数(人)”（35）"]


def test_indoor_sports_area_within_teaching_area(tmp_path):
    lines = errors_of(_schools(tmp_path, school(indoor_sports_area=4000.25)))
    assert lines == ["学校 表第 2 行“其中室内体育用房面积(㎡)”列：值“4000.25”大于“教学及辅助用房面积(㎡)”（3900.5）"]


def test_pupils_need_classes_and_teachers(tmp_path):
    lines = errors_of(_schools(tmp_path, school(primary_classes=0, primary_teachers=0,
                                                primary_teachers_above_degree=0, primary_key_teachers=0,
                                                primary_pe_arts_teachers=0, primary_senior_title_teachers=0)))
    assert lines == ["学校 表第 2 行“小学班级数(个)”列：小学在校生数为 600，小学班级数(个)不能为 0",
                     "学校 表第 2 行“小学专任教师数(人)”列：小学在校生数为 600，小学专任教师数(人)不能为 0"]


def test_pupils_of_a_stage_the_school_type_has_not(tmp_path):
    lines = errors_of(_schools(tmp_path, school(junior_students=120)))
    assert lines == ["学校 表第 2 行“初中在校生数(人)”列：学校类型为小学，没有初中学段，初中在校生数应为 0 或不填"]


def test_a_school_without_pupils(tmp_path):
    lines = errors_of(_schools(tmp_path, school(primary_students=0)))
    assert lines == ["学校 表第 2 行：学校类型为小学，但小学在校生数均为 0"]


def test_school_code_repeated_within_a_year(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), school(school_code="3301010002"),
                               school(school_name="清溪县实验小学东校区")))
    assert lines == ["学校 表第 2 行“学校标识码”列：学校标识码“3301010001”在 2024 年度重复（另见第 4 行）",
                     "学校 表第 4 行“学校标识码”列：学校标识码“3301010001”在 2024 年度重复（另见第 2 行）"]


def test_identical_school_rows(tmp_path):
    assert errors_of(_schools(tmp_path, school(), school())) == ["学校 表第 3 行：与第 2 行完全相同（重复行）"]


def test_room_of_an_unknown_school(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), 专用教室=grid("rooms", [room(), room(school_code="3301019999"),
                                                                          room(year=2023)])))
    assert lines == ["专用教室 表第 3 行“学校标识码”列：学校标识码“3301019999”在“学校”表 2024 年度中不存在",
                     "专用教室 表第 4 行“学校标识码”列：学校标识码“3301010001”在“学校”表 2023 年度中不存在"]


def test_one_county_row_per_year(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), 县级指标=grid("county", [county(), county(teachers_total=901)])))
    assert lines == ["县级指标 表第 2 行“县(区)”列：同一年度同一县(区)只能有一行（另见第 3 行）",
                     "县级指标 表第 3 行“县(区)”列：同一年度同一县(区)只能有一行（另见第 2 行）"]


def test_one_monitoring_row_per_subject(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), 质量监测=grid("monitoring", [
        monitoring(), monitoring(subject="语文"), monitoring(level="Ⅳ")])))
    assert lines == ["质量监测 表第 2 行“科目”列：同一年度同一县(区)同一科目只能有一行（另见第 4 行）",
                     "质量监测 表第 4 行“科目”列：同一年度同一县(区)同一科目只能有一行（另见第 2 行）"]


@pytest.mark.parametrize(("part", "whole", "part_header", "whole_header"), [
    ("exchanged_key", "exchanged", "其中骨干教师数(人)", "交流轮岗教师数(人)"),
    ("exchanged", "exchange_eligible", "交流轮岗教师数(人)", "符合交流条件教师数(人)"),
    ("teachers_trained_360h", "teachers_total", "5年完成360学时人数(人)", "专任教师总数(人)"),
    ("zoned_primary_in_zone", "zoned_primary_students", "其中小学就近划片入学数(人)", "城镇公办非寄宿小学在校生数(人)"),
    ("zoned_junior_in_zone", "zoned_junior_students", "其中初中就近划片入学数(人)", "城镇公办非寄宿初中在校生数(人)"),
    ("disabled_enrolled", "disabled_school_age", "残疾儿童少年入学数(人)", "适龄残疾儿童少年数(人)"),
    ("quality_hs_allocated", "quality_hs_plan", "分配到校名额数(人)", "优质高中招生计划数(人)"),
])
def test_county_part_within_its_total(tmp_path, part, whole, part_header, whole_header):
    row = county(**{"exchanged_key": None, "exchanged": None, "teachers_trained_360h": None, part: 101, whole: 100})
    lines = errors_of(_schools(tmp_path, school(), 县级指标=grid("county", [row])))
    assert lines == [f"县级指标 表第 2 行“{part_header}”列：值“101”大于“{whole_header}”（100）"]


def test_recognition_rate_is_a_percentage(tmp_path):
    lines = errors_of(_schools(tmp_path, school(), 县级指标=grid("county", [county(recognition_rate=120)])))
    assert lines == ["县级指标 表第 2 行“社会认可度(%)”列：值“120”超出 0–100 的百分数范围"]


# ---- the file as a whole -----------------------------------------------------------------------------

def test_path_missing(tmp_path):
    assert errors_of(tmp_path / "nowhere.xlsx") == [f"找不到文件或文件夹“{tmp_path / 'nowhere.xlsx'}”"]


def test_unknown_file_type(tmp_path):
    (tmp_path / "data.txt").write_text("年度\n2024\n")
    assert errors_of(tmp_path / "data.txt")[0].startswith("无法识别的文件类型“data.txt”")


def test_corrupt_workbook(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert errors_of(tmp_path / "broken.xlsx") == ["无法读取“broken.xlsx”：文件已损坏、已加密或不是 Excel 工作簿（可用 Excel 打开后另存为 .xlsx 再试）"]


def test_workbook_without_a_school_sheet(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"Sheet1": grid("schools", [school()])})
    assert errors_of(path) == ["工作簿“w.xlsx”中没有“学校”工作表（现有工作表：Sheet1）"]


def test_two_sheets_for_one_table(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"学校": grid("schools", [school()]), "schools": []})
    assert errors_of(path) == ["工作簿“w.xlsx”中“学校”和“schools”都是学校表，请只保留一个"]


def test_folder_without_a_school_file(tmp_path):
    write_csv(tmp_path / "rooms.csv", grid("rooms", [room()]))
    assert errors_of(tmp_path) == [f"文件夹“{tmp_path}”中没有 schools.csv 或 学校.csv"]


def test_csv_in_an_unknown_encoding(tmp_path):
    (tmp_path / "schools.csv").write_bytes(csv_text(grid("schools", [school()])).encode("utf-8") + b"\xff\xff\n")
    assert errors_of(tmp_path)[0].startswith("无法识别“schools.csv”的文字编码")


def test_csv_line_with_too_many_cells(tmp_path):
    rows = grid("schools", [school(), school(school_code="3301010002")])
    rows[2].append("多余")
    write_csv(tmp_path / "schools.csv", rows)
    width = len(rows[0])
    assert errors_of(tmp_path) == [f"schools.csv 第 3 行：本行有 {width + 1} 个单元格，多于表头的 {width} 列"]


def test_a_lone_csv_of_another_table(tmp_path):
    path = write_csv(tmp_path / "rooms.csv", grid("rooms", [room()]))
    assert errors_of(path) == ["“rooms.csv”是专用教室表；请指定存放全部 CSV 文件的文件夹"]


# ---- collected in one go -----------------------------------------------------------------------------

def test_all_errors_of_all_sheets_in_one_go(tmp_path):
    path = _schools(tmp_path, school(primary_students="不详"), school(school_code="3301010002", boarding="也许"),
                    专用教室=grid("rooms", [room(area="大")]), 县级指标=grid("county", [county(recognition_rate=101)]))
    with pytest.raises(InputErrors) as caught:
        read_dataset(path)
    errors = caught.value.errors
    assert [(e.sheet, e.row, e.column, e.value) for e in errors] == [
        ("学校", 2, "小学在校生数(人)", "不详"), ("学校", 3, "是否寄宿制", "也许"),
        ("专用教室", 2, "使用面积(㎡)", "大"), ("县级指标", 2, "社会认可度(%)", "101")]
    assert all(isinstance(e, InputError) for e in errors) and caught.value.omitted == 0


def test_error_list_is_capped(tmp_path):
    rows = [school(school_code=f"33010{i:05}", primary_students="?") for i in range(MAX_REPORTED_ERRORS + 50)]
    with pytest.raises(InputErrors) as caught:
        read_dataset(write_csv(tmp_path / "schools.csv", grid("schools", rows)))
    assert len(caught.value.errors) == MAX_REPORTED_ERRORS and caught.value.omitted == 50
    assert str(caught.value).splitlines()[-1] == "另有 50 处错误未列出"


def test_file_error_has_no_location(tmp_path):
    with pytest.raises(InputErrors) as caught:
        read_dataset(tmp_path / "none.csv")
    (error,) = caught.value.errors
    assert (error.sheet, error.row, error.column, error.value) == (None, None, None, None)


def test_years_have_four_digits(tmp_path):
    lines = errors_of(_schools(tmp_path, school(year=24, built_year=1850)))
    assert lines == ["学校 表第 2 行“年度”列：值“24”不是四位年份（1900–2100）",
                     "学校 表第 2 行“建成年份”列：值“1850”不是四位年份（1900–2100）"]


def test_identical_rows_without_a_key_are_still_found(tmp_path):
    row = school(school_code=None)
    lines = errors_of(_schools(tmp_path, row, row))
    assert "学校 表第 3 行：与第 2 行完全相同（重复行）" in lines


def test_a_count_too_large_for_a_whole_number(tmp_path):
    lines = errors_of(_schools(tmp_path, school(primary_students="9223372036854775808")))
    assert lines == ["学校 表第 2 行“小学在校生数(人)”列：值“9223372036854775808”不是非负整数"]
