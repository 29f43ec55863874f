"""Year-on-year checks on the school's form and the bureau's review (issue 13): last year's value
beside each field; a move beyond the dated share, or a fall of what does not fall, needs the
school's one-line explanation (the engine's checks, as ``junheng check``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from junheng.monitoring import load_check_parameters
from junheng.schema import SCHOOLS
from junheng.web.forms import display
from junheng.web.models import Status, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year(world, login):
    """The bureau opens the next year: school A's draft starts from its accepted data."""
    login(world.bureau).post(reverse("years"), {"year": str(world.year + 1)})
    return world.year + 1


def last_values(world) -> dict:
    return Submission.objects.get(school=world.school_a, year=world.year).values


def form(world, year: int, **changes) -> dict:
    """School A's full form for ``year``: last year's values, with ``changes``."""
    values = {**last_values(world), "year": year}
    data = {f.id: display(values.get(f.id)) for f in SCHOOLS.fields}
    rooms = Submission.objects.get(school=world.school_a, year=world.year).rooms
    for n, room in enumerate(rooms):
        data.update({f"room-{n}-{k}": display(v) for k, v in room.items()})
    data.update({k: str(v) for k, v in changes.items()})
    return data


def page(world, year: int) -> str:
    return reverse("school", args=[year, world.school_a.code])


def test_the_form_shows_last_years_value_and_the_change(world, next_year, login):
    client = login(world.user_a)
    html = client.get(page(world, next_year)).content.decode()
    area = last_values(world)["sports_field_area"]
    assert f"上年（{world.year}）{display(area)}" in html
    students = last_values(world)["primary_students"]
    assert f"上年（{world.year}）{students}" in html  # not carried into the draft, still shown beside it
    assert client.post(page(world, next_year), form(world, next_year, primary_students=students + 60)).status_code == 302
    html = client.get(page(world, next_year)).content.decode()
    assert f"上年（{world.year}）{students}，变化 +60（+{60 / students:.0%}）" in html
    assert 'id="last-area_type"' not in html  # a choice is shown beside its field only once it changed
    area_type = last_values(world)["area_type"]
    other = next(c for c in SCHOOLS.field("area_type").choices if c != area_type)
    client.post(page(world, next_year), form(world, next_year, primary_students=students + 60, area_type=other))
    assert f"上年（{world.year}）{area_type}" in client.get(page(world, next_year)).content.decode()


def test_a_large_move_without_explanation_is_refused_naming_field_values_and_share(world, next_year, login):
    before = last_values(world)["primary_key_teachers"]
    share = load_check_parameters(next_year)["yoy.max_relative_change"]
    draft = Submission.objects.get(school=world.school_a, year=next_year)
    response = login(world.user_a).post(page(world, next_year), form(world, next_year, primary_key_teachers=before * 4))
    assert response.status_code == 400
    html = response.content.decode()
    assert "小学县级及以上骨干教师数" in html
    assert f"由 {before} 变为 {before * 4}（+300%）" in html and f"超过 {float(share):.0%}" in html
    assert "请在“小学县级及以上骨干教师数(人)”下方填写一句变化说明" in html
    assert f'value="{before * 4}"' in html  # the user's input is kept
    assert 'name="explain-primary_key_teachers"' in html
    draft.refresh_from_db()
    assert draft.version == 1 and "primary_key_teachers" not in draft.values


def test_with_an_explanation_the_move_is_saved_with_it(world, next_year, login):
    before = last_values(world)["primary_key_teachers"]
    client = login(world.user_a)
    data = form(world, next_year, primary_key_teachers=before * 4,
                **{"explain-primary_key_teachers": "  本年度新评选县级骨干教师 78 人  ",
                   "explain-primary_students": "未变化的项目的说明不保存"})
    assert client.post(page(world, next_year), data).status_code == 302
    sub = Submission.objects.get(school=world.school_a, year=next_year)
    assert sub.values["primary_key_teachers"] == before * 4
    assert sub.explanations == {"primary_key_teachers": "本年度新评选县级骨干教师 78 人"}
    assert 'value="本年度新评选县级骨干教师 78 人"' in client.get(page(world, next_year)).content.decode()


def test_a_fall_of_a_never_falling_area_needs_an_explanation(world, next_year, login):
    area = last_values(world)["sports_field_area"]
    fallen = round(area * 0.6, 2)  # −40%: within the share, but a 运动场地 does not shrink
    client = login(world.user_a)
    response = client.post(page(world, next_year), form(world, next_year, sports_field_area=fallen))
    assert response.status_code == 400
    assert f"由 {display(area)} 减少为 {display(fallen)}" in response.content.decode()
    data = form(world, next_year, sports_field_area=fallen, **{"explain-sports_field_area": "部分场地划给新建初中"})
    assert client.post(page(world, next_year), data).status_code == 302


def test_an_unfinished_or_unexplained_draft_cannot_be_submitted(world, next_year, login):
    client = login(world.user_a)
    move = reverse("school_move", args=[next_year, world.school_a.code])
    draft = Submission.objects.get(school=world.school_a, year=next_year)
    response = client.post(move, {"to": "submitted", "version": draft.version}, follow=True)
    assert "不能提交审核：数据尚未填完整" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    # data that bypassed the form (an upload, the API) is checked on submission too
    before = last_values(world)["primary_key_teachers"]
    Submission.objects.filter(pk=draft.pk).update(values={**last_values(world), "year": next_year,
                                                          "primary_key_teachers": before * 4})
    response = client.post(move, {"to": "submitted", "version": draft.version}, follow=True)
    assert "不能提交审核" in response.content.decode() and "并保存后再提交" in response.content.decode()
    Submission.objects.filter(pk=draft.pk).update(explanations={"primary_key_teachers": "新评骨干"})
    client.post(move, {"to": "submitted", "version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_the_bureaus_review_lists_moves_falls_and_explanations(world, next_year, login):
    last = last_values(world)
    client = login(world.user_a)
    data = form(world, next_year, primary_key_teachers=last["primary_key_teachers"] * 4,
                sports_field_area=round(last["sports_field_area"] * 0.6, 2),
                **{"explain-primary_key_teachers": "新评骨干", "explain-sports_field_area": "场地划出"})
    assert client.post(page(world, next_year), data).status_code == 302
    sub = Submission.objects.get(school=world.school_a, year=next_year)
    client.post(reverse("school_move", args=[next_year, world.school_a.code]), {"to": "submitted", "version": sub.version})
    assert client.get(reverse("year_changes", args=[next_year])).status_code == 403  # not for a school
    assert 'id="year-review"' not in client.get(page(world, next_year)).content.decode()
    html = login(world.bureau).get(page(world, next_year)).content.decode()
    review = html[html.index('id="year-review"'):]
    review = review[:review.index("</table>")]
    assert "小学县级及以上骨干教师数" in review and "+300%" in review and "新评骨干" in review
    assert "运动场地面积" in review and "不应减少的项目减少" in review and "场地划出" in review
    assert "审核通过" in html  # the decision is on the same page
    listing = client.get(reverse("year_changes", args=[next_year])).content.decode()
    assert world.school_a.name in listing and "新评骨干" in listing and "场地划出" in listing


def test_the_api_asks_for_the_same_explanations(world, next_year):
    import json

    from junheng.web.models import ApiToken

    token = ApiToken.issue(world.user_a)
    client = Client()
    values = {**last_values(world), "year": next_year}
    values["primary_key_teachers"] *= 4
    rooms = Submission.objects.get(school=world.school_a, year=world.year).rooms
    path = f"/api/submissions/{next_year}/{world.school_a.code}"

    def put(**extra):
        return client.put(path, data=json.dumps({"values": values, "rooms": rooms, **extra}),
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    refused = put()
    assert refused.status_code == 400
    assert any(e["field"] == "primary_key_teachers" and "+300%" in e["message"] for e in refused.json()["errors"])
    saved = put(explanations={"primary_key_teachers": "新评骨干教师"})
    assert saved.status_code == 200 and saved.json()["explanations"] == {"primary_key_teachers": "新评骨干教师"}
