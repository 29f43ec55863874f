"""What-if: --set parsing with Chinese errors, typed overrides checked like imports, change lines."""

from __future__ import annotations

import polars as pl
import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.dataset_writer import write_dataset_xlsx
from junheng.standards import load_standard
from junheng.whatif import WhatIfError, apply_overrides, compare, parse_sets
from test_cli import junheng

# In the demo county 清溪县白沙镇西岭小学 fails only on L3 (1 体育艺术 teacher for 214 pupils).
FAILING_SCHOOL = "3301010027"


@pytest.fixture(scope="module")
def demo():
    return demo_dataset()


@pytest.fixture(scope="module")
def standard():
    return load_standard("youzhi-2017")


def test_fields_by_id_header_and_header_with_unit():
    by_id, by_header, in_wan, as_bool, alias = parse_sets([
        "3301010027.primary_pe_arts_teachers=5",
        "3301010027.小学体育艺术专任教师数(人)=6",
        "3301010017.教学仪器设备值(万元)=120.5",
        "3301010017.是否寄宿制=是",
        "3301010017.学校类型=完中",
    ])
    assert (by_id.school_code, by_id.field.id, by_id.value) == (FAILING_SCHOOL, "primary_pe_arts_teachers", 5)
    assert (by_header.field.id, by_header.value) == ("primary_pe_arts_teachers", 6)
    assert (in_wan.field.id, in_wan.value) == ("equipment_value", 1_205_000.0)
    assert (as_bool.field.id, as_bool.value) == ("boarding", True)
    assert alias.value == "完全中学"


@pytest.mark.parametrize(("item", "message"), [
    ("3301010027primary_students=5", "格式应为 学校标识码.字段=值"),
    ("3301010027.primary_students", "格式应为 学校标识码.字段=值"),
    ("3301010027.学生人数=5", "没有名为“学生人数”的学校字段"),
    ("3301010027.primary_students=很多", "“很多”不是数字"),
    ("3301010027.primary_students=-3", "“-3”不是非负数"),
    ("3301010027.primary_students=12.5", "须为整数"),
    ("3301010027.ownership=国营", "“国营”不是可选值（公办、民办）"),
    ("3301010027.boarding=也许", "不是“是”或“否”"),
    ("3301010027.school_name=", "必填项，不能清空"),
    ("3301010027.学校标识码=1", "不能修改“学校标识码”"),
])
def test_bad_sets_are_explained_in_chinese(item, message):
    with pytest.raises(WhatIfError) as caught:
        parse_sets([item])
    assert f"--set “{item}”" in str(caught.value) and message in str(caught.value)


def test_all_bad_sets_are_reported_together():
    with pytest.raises(WhatIfError) as caught:
        parse_sets(["1.foo=1", "2.primary_students=x", "3.primary_students=4"])
    assert len(str(caught.value).splitlines()) == 2


def test_unknown_school_code(demo):
    with pytest.raises(WhatIfError, match="数据中没有学校标识码“9999999999”"):
        apply_overrides(demo, parse_sets(["9999999999.primary_students=100"]))


def test_overrides_are_typed_and_leave_the_original_alone(demo):
    changed = apply_overrides(demo, parse_sets([
        f"{FAILING_SCHOOL}.primary_pe_arts_teachers=3",
        f"{FAILING_SCHOOL}.sports_field_area=5000.5",
        f"{FAILING_SCHOOL}.computers=",
    ]))
    row = changed.schools.filter(pl.col("school_code") == FAILING_SCHOOL).row(0, named=True)
    assert (row["primary_pe_arts_teachers"], row["sports_field_area"], row["computers"]) == (3, 5000.5, None)
    assert changed.schools.schema == demo.schools.schema
    others = pl.col("school_code") != FAILING_SCHOOL
    assert changed.schools.filter(others).equals(demo.schools.filter(others))
    original = demo.schools.filter(pl.col("school_code") == FAILING_SCHOOL).row(0, named=True)
    assert original["primary_pe_arts_teachers"] == 1
    assert changed.rooms is demo.rooms and changed.county is demo.county


def test_changed_data_is_checked_like_an_import(demo):
    with pytest.raises(WhatIfError) as caught:
        apply_overrides(demo, parse_sets([f"{FAILING_SCHOOL}.primary_pe_arts_teachers=300"]))
    text = str(caught.value)
    assert "清溪县白沙镇西岭小学（3301010027）“小学体育艺术专任教师数(人)”" in text
    assert "大于“小学专任教师数(人)”" in text


def test_compare_names_what_changed(demo, standard):
    before = evaluate(demo, standard).to_dict()
    after = evaluate(apply_overrides(demo, parse_sets([f"{FAILING_SCHOOL}.primary_pe_arts_teachers=2"])),
                     standard).to_dict()
    lines = compare(before, after)
    primary_before = before["counties"][0]["stages"]["primary"]
    assert lines[0] == "清溪县 2024 年度 总体结论：未达标（不变）"
    assert (f"小学达标学校（学段）：{primary_before['units_compliant']}/{primary_before['units']} → "
            f"{primary_before['units_compliant'] + 1}/{primary_before['units']}") in lines
    assert "清溪县白沙镇西岭小学（3301010027，小学）：未达标 → 达标" in lines
    old_cv = primary_before["indicators"]["L3"]["cv"]
    new_cv = after["counties"][0]["stages"]["primary"]["indicators"]["L3"]["cv"]
    assert f"小学 L3 差异系数：{old_cv:.3f} → {new_cv:.3f}" in lines
    assert not any(line.startswith("初中") for line in lines)


def test_compare_reports_item_and_verdict_changes():
    def county(passed, g3, cv, cv_pass):
        return {"counties": [{"year": 2024, "county_code": "330101", "county_name": "清溪县",
                              "verdict": {"pass": passed},
                              "stages": {"primary": {"units": 3, "units_compliant": 3, "pass": cv_pass,
                                                     "indicators": {"L5": {"cv": cv, "cv_pass": cv_pass}}}},
                              "areas": {"government": {"pass": g3, "items": {"G3": {"pass": g3, "name": "专用教室"}}}}}],
                "units": []}

    lines = compare(county(False, False, 0.5004, False), county(True, True, 0.4996, True))
    assert lines == [
        "清溪县 2024 年度 总体结论：达标（原为未达标）",
        "小学 L5 差异系数：0.500 → 0.500（未达标 → 达标）",  # equal at 3 decimals, yet the verdict moved
        "小学资源配置：未达标 → 达标",
        "政府保障程度：未达标 → 达标",
        "G3 专用教室：未达标 → 达标",
    ]
    same = county(False, False, 0.6, False)
    assert compare(same, same) == ["清溪县 2024 年度 总体结论：未达标（不变）", "其他各项均无变化"]


def test_a_school_in_several_years_is_changed_in_its_latest_year(demo):
    earlier = demo.schools.with_columns(year=pl.lit(2023, dtype=pl.Int64))
    both = type(demo)(pl.concat([earlier, demo.schools]))
    changed = apply_overrides(both, parse_sets([f"{FAILING_SCHOOL}.primary_pe_arts_teachers=4"])).schools
    values = dict(changed.filter(pl.col("school_code") == FAILING_SCHOOL).select("year", "primary_pe_arts_teachers")
                  .iter_rows())
    assert values == {2023: 1, 2024: 4}


def test_profile_comparison_lists_every_changed_verdict_cv_and_item(tmp_path):
    """``evaluate --profile`` compares with the national standard: G7 at 8000 元 fails the demo's 7200 元,
    L4 without 室内体育用房 moves its CV, G5 at 40 keeps failing but by more schools."""
    book = tmp_path / "清溪县-2024.xlsx"
    write_dataset_xlsx(demo_dataset(), book)
    profile = tmp_path / "某省细则.yaml"
    profile.write_text("name: 某省细则\nreference: 某教督〔2024〕1号\nparameters:\n  G7.min_per_pupil_funds: 8000\n"
                       "  L4.excludes_indoor_sports: true\n  G5.max_class_size.primary: 40\n", encoding="utf-8")
    result = junheng("evaluate", book, "--profile", profile)
    assert result.returncode == 0, result.stderr
    changes = result.stdout.split("与原结果相比：", 1)[1]
    assert "其他各项均无变化" not in changes
    assert "G7 特殊教育学校生均公用经费不低于8000元：达标 → 未达标" in changes
    assert "小学 L4 差异系数：" in changes
    assert "G5 小学、初中所有班级学生数分别不超过40人、50人：未达标" in changes
