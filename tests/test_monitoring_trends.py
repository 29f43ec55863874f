"""Early warning: what passes now and fails next year on the present trend — and it comes true."""

from __future__ import annotations

import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.monitoring import early_warnings
from junheng.monitoring.trends import slope
from junheng.standards import load_standard

STANDARD = load_standard("youzhi-2017")


def _year(base: Dataset, year: int, code: str, **values) -> Dataset:
    schools = base.schools.with_columns(pl.lit(year).alias("year"), *(
        pl.when(pl.col("school_code") == code).then(pl.lit(v)).otherwise(pl.col(f)).alias(f) for f, v in values.items()))
    return Dataset(schools, base.rooms.with_columns(pl.lit(year).alias("year")),
                   base.county.with_columns(pl.lit(year).alias("year")),
                   base.monitoring.with_columns(pl.lit(year).alias("year")))


def _primary_school(base: Dataset) -> str:
    return base.schools.filter((pl.col("school_type") == "小学") & (pl.col("primary_students") < 1500))["school_code"][0]


def _unit(evaluation: dict, code: str) -> dict:
    return next(u for u in evaluation["units"] if u["school_code"] == code)


def test_slope_is_least_squares():
    assert slope([(2022, 1.0), (2023, 2.0), (2024, 3.0)]) == 1.0
    assert slope([(2023, 5.0), (2024, 5.0)]) == 0.0


def test_rising_enrolment_warning_comes_true_next_year():
    base = demo_dataset()
    code = _primary_school(base)
    area = 4.5 * 1050  # L4 stays at standard up to 1,050 pupils
    years = [_year(base, year, code, primary_students=pupils, teaching_area=area)
             for year, pupils in ((2023, 1000), (2024, 1040), (2025, 1080))]
    evaluations = [evaluate(d, STANDARD).to_dict() for d in years]
    assert _unit(evaluations[1], code)["indicators"]["L4"]["met"] is True

    warnings = early_warnings(evaluations[:2])
    l4 = [w for w in warnings if w.school_code == code and w.item == "L4"]
    assert len(l4) == 1 and l4[0].kind == "unit_standard" and l4[0].year == 2025
    assert l4[0].trigger_students == 1051
    assert "1051 人" in l4[0].message and "2025" in l4[0].message
    # the next year's data bears it out
    assert _unit(evaluations[2], code)["indicators"]["L4"]["met"] is False
    # the area it will be short at the projected 1,080 pupils: 4.5 × 1080 − 4725 = 135 ㎡
    assert (l4[0].projected_students, l4[0].resource, l4[0].resource_unit) == (1080, "教学及辅助用房", "㎡")
    assert (l4[0].resource_now, l4[0].resource_needed, l4[0].resource_shortfall) == (4725, 4860, 135)
    assert "须有教学及辅助用房 4,860 ㎡方能保持标准（现有 4,725 ㎡），需增加 135 ㎡" in l4[0].message
    # and it is the whole amount: with it the unit stays at the standard next year, with 1 ㎡ less it does not
    for added, met in ((135, True), (134, False)):
        after = evaluate(_year(base, 2025, code, primary_students=1080, teaching_area=area + added), STANDARD).to_dict()
        assert _unit(after, code)["indicators"]["L4"]["met"] is met


def test_teachers_short_next_year_are_counted_exactly():
    """小学 L1 4.2 per 100 pupils at 1,500 pupils is exactly 63 teachers (4.2 / 100 × 1500 in floats is 63.00000000000001)."""
    base = demo_dataset()
    code = _primary_school(base)
    years = [evaluate(_year(base, y, code, primary_students=p, primary_teachers_above_degree=61), STANDARD).to_dict()
             for y, p in ((2023, 1400), (2024, 1450))]
    l1 = next(w for w in early_warnings(years) if w.school_code == code and w.item == "L1")
    assert l1.projected_students == 1500 and l1.resource_unit == "人"
    assert (l1.resource_now, l1.resource_needed, l1.resource_shortfall) == (61, 63, 2)
    assert "需增加 2 人" in l1.message
    after = evaluate(_year(base, 2025, code, primary_students=1500, primary_teachers_above_degree=63), STANDARD).to_dict()
    assert _unit(after, code)["indicators"]["L1"]["met"] is True


def test_projected_pupils_are_the_exact_trend_rounded_half_up():
    from junheng.monitoring.trends import projected_pupils

    assert projected_pupils([(2023, 1000), (2024, 1040)]) == 1080
    assert projected_pupils([(2022, 100), (2023, 101), (2024, 103)]) == 105  # 103 + 1.5: 104.5 rounds up, not to even


def test_school_size_warning_and_no_warning_on_a_flat_trend():
    base = demo_dataset()
    code = _primary_school(base)
    rising = [evaluate(_year(base, y, code, primary_students=p), STANDARD).to_dict()
              for y, p in ((2023, 1900), (2024, 1960))]
    size = [w for w in early_warnings(rising) if w.kind == "school_size"]
    assert [(w.school_code, w.trigger_students, w.projected_students) for w in size] == [(code, 2001, 2020)]
    assert "按趋势将超出 20 人" in size[0].message
    flat = [evaluate(_year(base, y, code, primary_students=1960), STANDARD).to_dict() for y in (2023, 2024)]
    assert [w for w in early_warnings(flat) if w.school_code == code] == []


def test_one_year_gives_no_projection():
    assert early_warnings([evaluate(demo_dataset(), STANDARD).to_dict()]) == []


def test_a_cv_creeping_toward_its_maximum():
    def county(year: int, cv: float) -> dict:
        return {"counties": [{"year": year, "county_code": "330101", "county_name": "清溪县", "stages": {
            "primary": {"indicators": {"L5": {"cv": cv, "cv_max": 0.5}}}}}], "units": [], "schools": []}

    warnings = early_warnings([county(2022, 0.40), county(2023, 0.44), county(2024, 0.48)])
    assert [(w.kind, w.item, w.stage, round(w.projected, 2)) for w in warnings] == [("cv", "L5", "primary", 0.52)]
    assert "0.480" in warnings[0].message and "0.5" in warnings[0].message
    # how far it is from the maximum, how fast it rises, and when the trend crosses it
    cv = warnings[0]
    assert (round(cv.cv_margin, 3), round(cv.cv_rise, 3), cv.crossing_year) == (0.02, 0.04, 2025)
    assert "距上限还差 0.020，近年每年上升约 0.040，按此趋势 2025 年超过上限" in cv.message
    assert early_warnings([county(2023, 0.48), county(2024, 0.44)]) == []


def test_cli_warn_over_two_years(tmp_path):
    import subprocess
    import sys

    from junheng.io.dataset_writer import write_dataset_csv

    base = demo_dataset()
    code = _primary_school(base)
    for year, pupils in ((2023, 1000), (2024, 1040)):
        write_dataset_csv(_year(base, year, code, primary_students=pupils, primary_classes=24,
                                  teaching_area=4.5 * 1050), tmp_path / str(year))
    run = subprocess.run([sys.executable, "-m", "junheng.cli", "warn", str(tmp_path / "2023"), str(tmp_path / "2024")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "在校生达到 1051 人即低于标准" in run.stdout and "2025 年共" in run.stdout
    assert "须有教学及辅助用房 4,860 ㎡方能保持标准（现有 4,725 ㎡），需增加 135 ㎡" in run.stdout
    one = subprocess.run([sys.executable, "-m", "junheng.cli", "warn", str(tmp_path / "2024")], capture_output=True, text=True)
    assert one.returncode == 2 and "两个年度" in one.stderr


def test_trigger_pupils_are_exact_though_the_json_value_is_a_float():
    """63 teachers at 4.2 per 100 pupils last until 1,500 pupils, so 1,501 triggers: the JSON's value
    100 × 63 / 1001 = 6.293706293706293 times 1001 / 4.2 reads 1499.9999999999998 in floats."""
    from junheng.monitoring.trends import _pupils_at_which_value_drops_below

    assert _pupils_at_which_value_drops_below(1001, 100 * 63 / 1001, 4.2) == 1501
    assert _pupils_at_which_value_drops_below(1050, 4.5, 4.5) == 1051


def test_a_threshold_computed_in_floats_is_read_as_the_standards_decimal():
    """The floor 0.85 × 4.5 reaches the JSON as 3.8249999999999997: at 2,000 pupils the unit needs
    exactly 7,650 ㎡ (not 7,649.999…), and 1,530 ㎡ hold exactly 400 pupils at the floor."""
    from junheng.monitoring.trends import _pupils_at_which_value_drops_below, _resource

    floor = 0.85 * 4.5
    found, text = _resource("L4", {"students": 1000, "share": 1.0}, 7.0, floor, 2000, "标准的底线", 2025)
    assert (found["resource_needed"], found["resource_now"], found["resource_shortfall"]) == (7650, 7000, 650)
    assert "须有教学及辅助用房 7,650 ㎡方能保持标准的底线（现有 7,000 ㎡），需增加 650 ㎡" in text
    assert _pupils_at_which_value_drops_below(400, 1530 / 400, floor) == 401


def test_a_shared_facility_names_the_stages_share():
    """A 九年一贯制 school's 教学及辅助用房 is split by weighted pupils (1 : 1.1): 8,064 ㎡ over
    1,000 primary and 720 junior pupils gives the primary stage exactly 4,500 ㎡ (4.5 ㎡ each)."""
    base = demo_dataset()
    code = base.schools.filter(pl.col("school_type") == "九年一贯制学校")["school_code"][0]
    years = [evaluate(_year(base, y, code, primary_students=p, junior_students=720, teaching_area=8064.0), STANDARD)
             .to_dict() for y, p in ((2023, 960), (2024, 1000))]
    l4 = next(w for w in early_warnings(years) if w.school_code == code and w.item == "L4" and w.stage == "primary")
    assert (l4.kind, l4.projected_students, l4.resource_now, l4.resource_needed, l4.resource_shortfall) == \
        ("unit_standard", 1040, 4500, 4680, 180)
    assert "（本学段分摊 4,500 ㎡），需增加 180 ㎡" in l4.message
