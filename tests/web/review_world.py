"""Reviewers around the test county (清溪县, 330101): a 市 (3301) and a 省 (33) reviewer, a second
county of the same 市 with an open year and no data, and a county of another province (320101)."""

from __future__ import annotations

from dataclasses import dataclass

from junheng.web.accounts.services import create_account
from junheng.web.models import CollectionYear, County, Role, School

PASSWORD = "Qingxi-test-2024"


@dataclass
class Region:
    neighbour: County  # same 市, no data yet
    far: County  # another province
    far_school: School
    city: object  # users
    province: object
    far_province: object


def make_region(world) -> Region:
    assert world.county.code == "330101"
    neighbour = County.objects.create(name="青山区", code="330102")
    CollectionYear.objects.create(county=neighbour, year=world.year)
    School.objects.create(county=neighbour, code="3301020001", name="青山区第一小学")
    far = County.objects.create(name="远方县", code="320101")
    CollectionYear.objects.create(county=far, year=world.year)
    far_school = School.objects.create(county=far, code="3201010001", name="远方县实验小学")
    return Region(neighbour, far, far_school,
                  create_account("shidudao", Role.CITY, None, None, PASSWORD, region_code="3301").user,
                  create_account("shengdudao", Role.PROVINCE, None, None, PASSWORD, region_code="33").user,
                  create_account("sududao", Role.PROVINCE, None, None, PASSWORD, region_code="32").user)
