"""Standards as data: every threshold dated and referenced, profiles override, bad files explained."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from junheng.standards import STANDARD_IDS, StandardError, load_standard


@pytest.mark.parametrize("standard_id", STANDARD_IDS)
def test_every_parameter_has_description_unit_date_and_reference(standard_id):
    standard = load_standard(standard_id)
    assert standard.parameters
    for p in standard.parameters.values():
        assert p.description and p.unit and p.reference, p.id
        assert all(isinstance(d, dt.date) for d, _ in p.values), p.id


def test_thresholds_are_exact_fractions():
    params = load_standard("youzhi-2017").at(2024)
    assert params["L1.standard.primary"] == Fraction(21, 5)
    assert params["L1.standard.primary"] * params["unit.floor_ratio"] == Fraction("3.57")
    assert params["cv.max.junior"] == Fraction(9, 20)
    assert params["split.weight.senior"] == Fraction(132, 100)


def test_floors_match_the_published_list():
    params = load_standard("youzhi-2017").at(2024)
    floors = {stage: [params[f"L{i}.standard.{stage}"] * params["unit.floor_ratio"] for i in range(1, 8)]
              for stage in ("primary", "junior")}
    assert floors["primary"] == [Fraction(x) for x in ("3.57", "0.85", "0.765", "3.825", "6.375", "1700", "1.955")]
    assert floors["junior"] == [Fraction(x) for x in ("4.505", "0.85", "0.765", "4.93", "8.67", "2125", "2.04")]


def test_transitional_relaxations_exist_and_are_off():
    params = load_standard("youzhi-2017").at(2024)
    assert params["G3.transitional.enabled"] is False
    assert params["G4.transitional.enabled"] is False
    assert params["G3.transitional.music_min_area"] == 73


def test_profile_overrides_a_value_and_records_itself(tmp_path):
    profile = tmp_path / "zj.yaml"
    profile.write_text("name: 某省细则\nbase: youzhi-2017\nreference: 某教督〔2019〕1号\nparameters:\n"
                       "  G7.min_per_pupil_funds: 8000\n"
                       "  G3.transitional.enabled: {values: {2019-01-01: false, 2021-09-01: true}}\n", encoding="utf-8")
    standard = load_standard("youzhi-2017", profile)
    assert standard.at(2024)["G7.min_per_pupil_funds"] == 8000
    assert standard.parameters["G7.min_per_pupil_funds"].overridden_by == "某省细则"
    assert standard.parameters["G7.min_per_pupil_funds"].reference == "某教督〔2019〕1号"
    # dated values: in force from their date on
    assert standard.at(2020)["G3.transitional.enabled"] is False
    assert standard.at(2022)["G3.transitional.enabled"] is True
    assert "某省细则" in standard.label


@pytest.mark.parametrize("text, message", [
    ("parameters: [1, 2]", "映射"),
    ("base: jiben-2012\nparameters: {}", "适用于标准 jiben-2012"),
    ("parameters:\n  new.thing: 5\n", "未知参数“new.thing”"),
    ("parameters:\n  G7.min_per_pupil_funds: {values: {yesterday: 1}}\n", "YYYY-MM-DD"),
    ("a: [unclosed", "不是有效的 YAML"),
])
def test_bad_profiles_get_chinese_errors(tmp_path, text, message):
    profile = tmp_path / "bad.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError, match=message):
        load_standard("youzhi-2017", profile)


def test_unknown_standard_and_missing_profile():
    with pytest.raises(StandardError, match="未知的评估标准"):
        load_standard("youzhi-2030")
    with pytest.raises(StandardError, match="找不到"):
        load_standard("youzhi-2017", "/nonexistent/profile.yaml")


@pytest.mark.parametrize("standard_id", STANDARD_IDS)
def test_item_names_are_worded_from_the_parameters(standard_id):
    """Every threshold printed in an item's name is a parameter in force (issue 8, point 7)."""
    standard = load_standard(standard_id)
    for year in (2018, 2024):
        for item_id, name in standard.at(year).item_names().items():
            assert "{" not in name and "}" not in name, (item_id, name)
    if standard.judges.areas:
        assert standard.items["Q9"].endswith("学业水平达到Ⅲ级以上，且校际差异率低于0.15")
        assert "不低于6000元" in standard.items["G7"]


def test_a_dated_override_keeps_the_base_value_before_its_date(tmp_path):
    profile = tmp_path / "dated.yaml"
    profile.write_text("name: 某省细则\nparameters:\n  G7.min_per_pupil_funds: {values: {2024-01-01: 8000}}\n",
                       encoding="utf-8")
    standard = load_standard("youzhi-2017", profile)
    assert standard.at(2023)["G7.min_per_pupil_funds"] == 6000
    assert standard.at(2024)["G7.min_per_pupil_funds"] == 8000
    assert standard.at(2023).item_name("G7").endswith("6000元")
    assert standard.at(2024).item_name("G7").endswith("8000元")


@pytest.mark.parametrize("standard_id", STANDARD_IDS)
def test_shipped_standards_parse_alike_with_libyaml_and_pure_python(standard_id):
    # load_standard reads the shipped files with the faster loader: it must give the same data.
    import yaml

    from junheng.standards import HERE, SHIPPED_LOADER
    text = (HERE / f"{standard_id}.yaml").read_text(encoding="utf-8")
    assert yaml.load(text, Loader=SHIPPED_LOADER) == yaml.load(text, Loader=yaml.SafeLoader)
