"""A profile is checked whole when it is loaded: unknown names, wrong kinds, ranges, dates (issue 9)."""

from __future__ import annotations

import pytest

from junheng.cli import main
from junheng.standards import StandardError, load_standard


def _problems(tmp_path, text: str, standard: str = "youzhi-2017") -> list[str]:
    profile = tmp_path / "方案.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(standard, profile)
    return str(caught.value).splitlines()


@pytest.mark.parametrize(("text", "problem"), [
    ("parameters:\n  G7.min_per_pupil_funds: 8000元\n",
     "参数 G7.min_per_pupil_funds：“8000元”不是数字（只写数字，不带单位，单位为元/生）"),
    ("parameters:\n  G7.min_per_pupil_fund: 8000\n",
     "未知参数“G7.min_per_pupil_fund”（youzhi-2017 中没有此参数，是否应为“G7.min_per_pupil_funds”）"),
    ("parameters:\n  unit.floor_ratio: 85\n", "参数 unit.floor_ratio：“85”超出允许范围（不小于 0且不大于 1）"),
    ("parameters:\n  cv.max.primary: 0\n", "参数 cv.max.primary：“0”超出允许范围（大于 0且不大于 1）"),
    ("parameters:\n  L6.standard.primary: -2000\n", "参数 L6.standard.primary：“-2000”超出允许范围（大于 0）"),
    ("parameters:\n  unit.min_indicators_met: 6.5\n", "参数 unit.min_indicators_met：“6.5”应为整数"),
    ("parameters:\n  G3.rooms_per_classes: 0\n", "参数 G3.rooms_per_classes：“0”超出允许范围（不小于 1）"),
    ("parameters:\n  scope.include_private: 是\n", "参数 scope.include_private：“是”应为 true（是）或 false（否）"),
    ("parameters:\n  scope.excluded_types: [特殊教育学校, 幼儿园]\n",
     "参数 scope.excluded_types：“幼儿园”不是学校类型（可用：小学、初中"),
    ("parameters:\n  scope.excluded_types: 特殊教育学校\n", "参数 scope.excluded_types：“特殊教育学校”应为列表"),
    ("parameters:\n  G7.min_per_pupil_funds: {values: {2019-13-01: 8000}}\n",
     "有不存在的日期（生效日期应写作 YYYY-MM-DD，如 2019-09-01）"),
    ("parameters:\n  G7.min_per_pupil_funds: {values: {2019/09/01: 8000}}\n",
     "参数 G7.min_per_pupil_funds：生效日期“2019/09/01”不是有效日期（应写作 YYYY-MM-DD，如 2019-09-01）"),
    ("parameters:\n  G7.min_per_pupil_funds: {values: {1919-09-01: 8000}}\n",
     "参数 G7.min_per_pupil_funds：生效日期 1919-09-01 超出 1986–2100 年"),
    ("parameters:\n  G7.min_per_pupil_funds: {values: {2019-09-01: 八千}}\n",
     "参数 G7.min_per_pupil_funds：2019-09-01 的值“八千”不是数字"),
    ("parameters:\n  G7.min_per_pupil_funds: {value: 8000}\n", "参数 G7.min_per_pupil_funds：未知的项目“value”"),
    ("parameter:\n  G7.min_per_pupil_funds: 8000\n", "未知的项目“parameter”（可用：name、base、reference"),
])
def test_each_kind_of_mistake_is_named(tmp_path, text, problem):
    problems = _problems(tmp_path, text)
    assert any(line.startswith(f"方案.yaml：{problem}") for line in problems), problems


def test_all_mistakes_are_listed_at_once(tmp_path):
    problems = _problems(tmp_path, "parameters:\n  G7.min_per_pupil_funds: 8000元\n  unit.floor_ratio: 2\n"
                                   "  no.such: 1\n")
    assert len(problems) == 3


def test_a_good_profile_still_loads(tmp_path):
    profile = tmp_path / "ok.yaml"
    profile.write_text("name: 某省细则\nparameters:\n  G7.min_per_pupil_funds: 8000\n  unit.floor_ratio: '0.9'\n"
                       "  scope.include_private: false\n  scope.excluded_types: [特殊教育学校]\n"
                       "  G3.transitional.enabled: {values: {2019-01-01: false, 2021-09-01: true}}\n", encoding="utf-8")
    standard = load_standard("youzhi-2017", profile)
    assert standard.at(2024)["G7.min_per_pupil_funds"] == 8000


def test_the_cli_checks_the_profile_before_the_data(capsys, tmp_path):
    """Even with a data file that does not exist, the profile's mistake is what the user sees first."""
    profile = tmp_path / "p.yaml"
    profile.write_text("parameters:\n  G7.min_per_pupil_funds: 8000元\n", encoding="utf-8")
    status = main(["evaluate", str(tmp_path / "missing.xlsx"), "--profile", str(profile)])
    err = capsys.readouterr().err
    assert status == 2
    assert err == "错误：p.yaml：参数 G7.min_per_pupil_funds：“8000元”不是数字（只写数字，不带单位，单位为元/生）\n"
