"""开设新年度 (issue 13): the new year's drafts start from last year's accepted data — who the
school is and what changes only by building — and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from junheng.monitoring.new_year import carry_over_parameters
from junheng.web.forms import FIXED_SCHOOL_FIELDS
from junheng.web.models import AuditEntry, CollectionYear, Status, Submission

pytestmark = pytest.mark.django_db

CARRIED = ("school_type", "ownership", "area_type", "boarding", "built_year",
           "teaching_area", "indoor_sports_area", "sports_field_area", "multimedia_rooms")


def test_the_carried_fields_are_declared_as_data():
    assert carry_over_parameters(2025)["new_year.school_fields"] == CARRIED


def test_opening_a_year_makes_drafts_from_last_years_accepted_data(world, login):
    returned = Submission.objects.get(school=world.school_b, year=world.year)
    Submission.objects.filter(pk=returned.pk).update(status=Status.RETURNED)  # not accepted: not carried
    client = login(world.bureau)
    response = client.post(reverse("years"), {"year": str(world.year + 1)})
    assert response.status_code == 302
    assert CollectionYear.objects.filter(county=world.county, year=world.year + 1).exists()

    drafts = Submission.objects.filter(school__county=world.county, year=world.year + 1)
    last = {s.school_id: s for s in Submission.objects.filter(school__county=world.county, year=world.year)}
    assert {d.school_id for d in drafts} == {k for k, s in last.items() if s.status == Status.ACCEPTED}
    assert world.school_b.id not in {d.school_id for d in drafts}
    for draft in drafts:
        before = last[draft.school_id]
        assert draft.status == Status.DRAFT and draft.explanations == {} and draft.version == 1
        assert draft.values["year"] == world.year + 1 and draft.values["school_code"] == draft.school.code
        for field in CARRIED:
            assert draft.values.get(field) == before.values.get(field)
        # pupils, classes, teachers, equipment and funds move every year: the school fills them in
        for field in ("primary_students", "primary_classes", "primary_teachers", "primary_key_teachers",
                      "equipment_value", "computers", "books", "public_funds_budget", "training_funds"):
            assert field not in draft.values
        assert set(draft.values) <= {*CARRIED, *FIXED_SCHOOL_FIELDS}  # nothing else, nothing computed
        assert draft.rooms == before.rooms
    entry = AuditEntry.objects.filter(action="year.create").get()
    assert entry.after["drafts"] == drafts.count() and "草稿" in entry.summary

    # the school opens its new year's form on the carried values
    html = login(world.user_a).get(reverse("school", args=[world.year + 1, world.school_a.code])).content.decode()
    area = Submission.objects.get(school=world.school_a, year=world.year).values["sports_field_area"]
    assert f'value="{area:.15g}"' in html


def test_reopening_or_closing_a_year_never_overwrites_a_schools_data(world, login):
    client = login(world.bureau)
    client.post(reverse("years"), {"year": str(world.year + 1)})
    draft = Submission.objects.get(school=world.school_a, year=world.year + 1)
    Submission.objects.filter(pk=draft.pk).update(values={**draft.values, "primary_students": 999})
    client.post(reverse("years"), {"year": str(world.year + 1), "is_open": "0"})
    client.post(reverse("years"), {"year": str(world.year + 1), "is_open": "1"})
    draft.refresh_from_db()
    assert draft.values["primary_students"] == 999
    assert Submission.objects.filter(school=world.school_a, year=world.year + 1).count() == 1


def test_the_first_year_has_nothing_to_carry(world, login):
    login(world.bureau).post(reverse("years"), {"year": str(world.year - 1)})
    assert not Submission.objects.filter(year=world.year - 1).exists()


def test_opening_a_year_twice_neither_closes_it_nor_copies_again(world, login):
    client = login(world.bureau)
    client.post(reverse("years"), {"year": str(world.year + 1)})
    response = client.post(reverse("years"), {"year": str(world.year + 1)}, follow=True)  # a second click
    assert f"{world.year + 1} 年度已开设" in response.content.decode()
    assert CollectionYear.objects.get(county=world.county, year=world.year + 1).is_open
    assert AuditEntry.objects.filter(action="year.create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_bureau_clicks_at_once_open_the_year_once(small_dataset, new_world):
    from test_concurrency import in_threads

    from junheng.web.accounts.services import change_year
    from junheng.web.models import Account

    w = new_world(small_dataset)
    bureau = Account.objects.select_related("user", "county").get(user=w.bureau)
    outcomes = in_threads(*[lambda: change_year(bureau, {"year": str(w.year + 1)})] * 3)
    assert sum(isinstance(o, CollectionYear) for o in outcomes) == 1, outcomes
    assert all("已开设" in str(o) for o in outcomes if not isinstance(o, CollectionYear))
    assert CollectionYear.objects.get(county=w.county, year=w.year + 1).is_open
    assert Submission.objects.filter(year=w.year + 1).count() == Submission.objects.filter(
        year=w.year, status=Status.ACCEPTED).count() == len(small_dataset.schools)
    assert AuditEntry.objects.filter(action="year.create").count() == 1
