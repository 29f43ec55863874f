"""A county with no collection year yet (a bureau that has just been created) gets its pages,
not a server error: the menu has no year to link to, the years page offers to open one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from junheng.web.accounts.services import create_account
from junheng.web.models import County, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_bureau(password):
    county = County.objects.create(name="新设县", code="330199")
    return create_account("xinshe", Role.BUREAU, county, None, password).user


@pytest.mark.parametrize("name", ["years", "users", "standard", "audit", "password"])
def test_pages_of_a_county_without_years_render(new_bureau, login, name):
    response = login(new_bureau).get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "新设县" in html and "挂图作战" not in html  # no year: no link into a year


def test_home_sends_a_bureau_without_years_to_open_one(new_bureau, login):
    client = login(new_bureau)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert "尚未开设年度" in response.content.decode()


def test_a_year_page_of_a_county_without_years_is_not_found(new_bureau, login):
    assert login(new_bureau).get(reverse("dashboard", args=[2024])).status_code == 404


def test_opening_the_first_year_links_the_menu(new_bureau, login):
    client = login(new_bureau)
    client.post(reverse("years"), {"year": "2025"})
    html = client.get(reverse("years")).content.decode()
    assert reverse("dashboard", args=[2025]) in html and "挂图作战" in html
