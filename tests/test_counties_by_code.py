"""Counties are identified by 县(区)代码 (shared/spec/data.md); the name is a label (issue 8, point 6).

Jiangsu's 鼓楼区 (320106) and Fujian's 鼓楼区 (350102) share a name: read from a file, with or without
a 县级指标 sheet, they are two counties with their own items.
"""

from __future__ import annotations

from junheng.evaluate import evaluate
from junheng.frames import dataset
from junheng.io import read_dataset
from junheng.io.dataset_writer import write_dataset_csv
from junheng.standards import load_standard

SCHOOL = {"year": 2024, "school_type": "小学", "ownership": "公办", "area_type": "城区", "primary_students": 1000,
          "primary_classes": 24, "primary_max_class_size": 44, "primary_teachers": 80,
          "primary_teachers_above_degree": 60, "primary_key_teachers": 15, "primary_pe_arts_teachers": 12,
          "teaching_area": 5000, "sports_field_area": 8000, "equipment_value": 2500000, "multimedia_rooms": 30}
NANJING = {"county_code": "320106", "county_name": "鼓楼区"}
FUZHOU = {"county_code": "350102", "county_name": "鼓楼区"}


def _schools():
    return [{**SCHOOL, **NANJING, "school_code": "3201060001", "school_name": "南京甲小学"},
            {**SCHOOL, **NANJING, "school_code": "3201060002", "school_name": "南京乙小学", "primary_students": 800},
            {**SCHOOL, **FUZHOU, "school_code": "3501020001", "school_name": "福州甲小学"}]


def _read_back(tmp_path, ds):
    write_dataset_csv(ds, tmp_path)
    return read_dataset(tmp_path)


def test_two_counties_of_one_name_in_a_schools_only_file(tmp_path):
    result = evaluate(_read_back(tmp_path, dataset(_schools())), load_standard("youzhi-2017"))
    units = {c["county_code"]: c["stages"]["primary"]["units"] for c in result.counties}
    assert units == {"320106": 2, "350102": 1}


def test_two_counties_of_one_name_with_a_county_sheet(tmp_path):
    county = [{"year": 2024, **NANJING, "layout_ok": True}, {"year": 2024, **FUZHOU, "layout_ok": False}]
    result = evaluate(_read_back(tmp_path, dataset(_schools(), county=county)), load_standard("youzhi-2017"))
    g1 = {c["county_code"]: c["areas"]["government"]["items"]["G1"]["pass"] for c in result.counties}
    assert g1 == {"320106": True, "350102": False}


def test_a_county_sheet_with_a_code_finds_schools_without_one():
    schools = [{**SCHOOL, "county_name": "清溪县", "school_code": "3301010001", "school_name": "甲小学"}]
    county = [{"year": 2024, "county_code": "330101", "county_name": "清溪县", "layout_ok": True}]
    result = evaluate(dataset(schools, county=county), load_standard("youzhi-2017"))
    assert result.counties[0]["areas"]["government"]["items"]["G1"]["pass"] is True
    assert result.counties[0]["county_code"] == "330101"  # named by the county sheet
