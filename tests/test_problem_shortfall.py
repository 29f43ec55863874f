"""The problem list's fast shortfall (floats, re-checked exactly near a whole number) gives the
same whole numbers as the exact rational computation, on and around the boundaries."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.indicators import INDICATORS
from junheng.problems import _fast_shortfall, indicator_shortfall
from junheng.standards import load_standard

PARAMS = load_standard("youzhi-2017").at(2024)
COLUMNS = {"L1": "teachers_above_degree", "L2": "key_teachers", "L3": "pe_arts_teachers", "L4": "teaching_area",
           "L5": "sports_field_area", "L6": "equipment_value", "L7": "multimedia_rooms"}


def _typed(value: Fraction, digits: int) -> float:
    """A decimal of ``digits`` places near ``value``, as the importer stores it."""
    return float(Fraction(round(value * 10**digits), 10**digits))


@settings(max_examples=400, deadline=None)
@given(ind_id=st.sampled_from(sorted(COLUMNS)), stage=st.sampled_from(["primary", "junior"]),
       primary=st.integers(1, 3000), junior=st.integers(1, 3000), nine_year=st.booleans(),
       offset=st.integers(-3, 3), digits=st.integers(0, 2), scale=st.sampled_from([Fraction(1), Fraction(1, 2)]),
       floor=st.booleans())
def test_fast_shortfall_is_exact(ind_id, stage, primary, junior, nine_year, offset, digits, scale, floor):
    ind = INDICATORS[ind_id]
    school_type = "九年一贯制学校" if nine_year else ("小学" if stage == "primary" else "初中")
    students = primary if stage == "primary" else junior
    pupils = {"primary": primary if nine_year or stage == "primary" else None,
              "junior": junior if nine_year or stage == "junior" else None}
    stages = ("primary", "junior") if nine_year else (stage,)
    weighted = sum(float(PARAMS[f"split.weight.{s}"]) * pupils[s] for s in stages)
    share = float(PARAMS[f"split.weight.{stage}"]) * students / weighted
    target = PARAMS[f"{ind.id}.standard.{stage}"]
    if floor:
        target = target * PARAMS["unit.floor_ratio"]
    exact_share = (PARAMS[f"split.weight.{stage}"] * students
                   / sum(PARAMS[f"split.weight.{s}"] * pupils[s] for s in stages)) if ind.split else 1
    # A resource at, or a whole unit (or a typed hundredth) around, exactly what the standard needs.
    needed = target * students / ind.per / exact_share
    resource = max(0.0, _typed(needed * scale, digits) + offset * (1 if digits == 0 else 10**-digits))
    row = {"stage": stage, "students": students, "share": share, "school_type": school_type,
           "pupils_primary": pupils["primary"], "pupils_junior": pupils["junior"], "pupils_senior": None,
           "indoor_sports_area": 0.0, COLUMNS[ind_id]: resource}
    assert _fast_shortfall(ind, row, target, float(target), PARAMS) == indicator_shortfall(ind, row, target, PARAMS)


def test_fast_shortfall_at_an_exact_boundary():
    """4.2 × 1500 / 100 − 62 is exactly 1 teacher (the float would say 1.0000000000000071)."""
    ind = INDICATORS["L1"]
    row = {"stage": "primary", "students": 1500, "share": 1.0, "teachers_above_degree": 62}
    target = Fraction("4.2")
    assert _fast_shortfall(ind, row, target, 4.2, PARAMS) == indicator_shortfall(ind, row, target, PARAMS) == (1, 1)
