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


def test_school_size_warning_and_no_warning_on_a_flat_trend():
    base = demo_dataset()
    code = _primary_school(base)
    rising = [evaluate(_year(base, y, code, primary_students=p), STANDARD).to_dict()
              for y, p in ((2023, 1900), (2024, 1960))]
    size = [w for w in early_warnings(rising) if w.kind == "school_size"]
    assert [(w.school_code, w.trigger_students) for w in size] == [(code, 2001)]
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
    one = subprocess.run([sys.executable, "-m", "junheng.cli", "warn", str(tmp_path / "2024")], capture_output=True, text=True)
    assert one.returncode == 2 and "两个年度" in one.stderr
