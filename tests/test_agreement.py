"""The problem list and the verdict agree (issue 8, standard.md §1.4 scope of the per-school items).

Every school that a county item counts as failing has a blocking problem for that item, and every
blocking problem is counted by a verdict: its unit is not compliant, or the county item of that
school fails.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from generated import generated_dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.standards import load_standard

SCHOOL_ITEMS = {"G3", "G4", "G5", "G6", "G12", "Q4"}


@pytest.fixture(scope="module")
def generated():
    return generated_dataset(3000, 12)


def check_agreement(result: dict) -> int:
    counties = {(c["year"], c["county_code"] or c["county_name"]): c for c in result["counties"]}

    def county_of(row: dict) -> dict:
        return counties[(row["year"], row["county_code"] or row["county_name"])]

    def item_of(county: dict, item: str) -> dict:
        area = "quality" if item.startswith("Q") else "government"
        return county["areas"][area]["items"][item]

    blocking = {(p["year"], p["school_code"], p["item"]) for p in result["problems"] if p["blocking"]}
    failing_checks = {(s["year"], s["school_code"], item)
                      for s in result["schools"] for item, check in s["checks"].items()
                      if item in SCHOOL_ITEMS and check["pass"] is False}
    # every failing school check the verdict counts has its blocking problem …
    assert failing_checks <= blocking, sorted(failing_checks - blocking)[:5]
    # … and the county item counts exactly these schools
    by_county: dict = {}
    for s in result["schools"]:
        for item, check in s["checks"].items():
            if item in SCHOOL_ITEMS and check["pass"] is False:
                key = (id(county_of(s)), item)
                by_county[key] = by_county.get(key, 0) + 1
    for county in result["counties"]:
        for item in SCHOOL_ITEMS:
            entry = item_of(county, item)
            if "schools_failing" in entry:
                assert entry["schools_failing"] == by_county.get((id(county), item), 0), (county["county_name"], item)
    # every blocking problem counts in a verdict
    non_compliant = {(u["year"], u["school_code"], u["stage"]) for u in result["units"] if u["compliant"] is False}
    for p in result["problems"]:
        if not p["blocking"]:
            continue
        if p["item"] in SCHOOL_ITEMS:
            assert (p["year"], p["school_code"], p["item"]) in failing_checks, p["message"]
            assert item_of(county_of(p), p["item"])["pass"] is False, p["message"]
        else:
            assert (p["year"], p["school_code"], p["stage"]) in non_compliant, p["message"]
            assert county_of(p)["areas"]["resource"]["pass"] is False
    return len(blocking)


def test_demo_problems_and_verdict_agree():
    assert check_agreement(evaluate(demo_dataset(), load_standard("youzhi-2017")).to_dict()) > 0


def test_generated_counties_problems_and_verdict_agree(generated):
    assert check_agreement(evaluate(generated, load_standard("youzhi-2017")).to_dict()) > 0


def test_agreement_when_g12_is_judged_per_school(generated):
    """Without the county's own G12 total, every school is judged on it: the list names each one."""
    import polars as pl

    county = generated.county.with_columns(pl.lit(None, pl.Int64).alias("certified_teachers_total"))
    result = evaluate(replace(generated, county=county), load_standard("youzhi-2017")).to_dict()
    check_agreement(result)
    assert any(p["item"] == "G12" for p in result["problems"])
