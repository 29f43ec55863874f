"""Data collection: the form checks through the importer, states, uploads, official vs preview."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.urls import reverse

from junheng.io.dataset_writer import write_dataset_xlsx
from junheng.schema import SCHOOLS
from junheng.web.forms import display
from junheng.web.models import AuditEntry, EvaluationSnapshot, School, Status, Submission
from junheng.web.results import dataset_for, result_of

pytestmark = pytest.mark.django_db


def form_data(sub: Submission, **changes) -> dict:
    data = {f.id: display(sub.values.get(f.id)) for f in SCHOOLS.fields}
    for n, room in enumerate(sub.rooms):
        data.update({f"room-{n}-{k}": display(v) for k, v in room.items()})
    data.update(changes)
    return data


def fresh_draft(world) -> Submission:
    """School A's accepted data, sent back to draft for the school to edit."""
    sub = Submission.objects.get(school=world.school_a, year=world.year)
    Submission.objects.filter(pk=sub.pk).update(status=Status.DRAFT)
    sub.refresh_from_db()
    return sub


def test_bad_value_shows_the_importer_message_and_stores_nothing(world, login):
    sub = fresh_draft(world)
    before = dict(sub.values)
    response = login(world.user_a).post(reverse("school", args=[world.year, world.school_a.code]),
                                        form_data(sub, primary_students="不详"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "小学在校生数(人)：" in html and "不详" in html
    sub.refresh_from_db()
    assert sub.values == before


def test_cross_field_check_is_the_importers(world, login):
    sub = fresh_draft(world)
    teachers = sub.values["primary_teachers"]
    response = login(world.user_a).post(reverse("school", args=[world.year, world.school_a.code]),
                                        form_data(sub, primary_key_teachers=str(teachers + 1)))
    assert response.status_code == 400
    assert "县级及以上骨干教师数" in response.content.decode()


def test_valid_form_saves_typed_values_and_is_audited(world, login):
    sub = fresh_draft(world)
    client = login(world.user_a)
    response = client.post(reverse("school", args=[world.year, world.school_a.code]),
                           form_data(sub, multimedia_rooms="77", equipment_value="1234567.5"))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.values["multimedia_rooms"] == 77 and sub.values["equipment_value"] == 1234567.5
    entry = AuditEntry.objects.filter(action="submission.save", actor=world.user_a).latest("at")
    assert entry.after["values"]["multimedia_rooms"] == 77
    assert entry.before["values"]["multimedia_rooms"] != 77


def test_rooms_keep_their_name(world, login):
    sub = fresh_draft(world)
    rooms = {"room-0-room_type": "音乐", "room-0-area": "96", "room-0-room_name": "音乐教室1",
             "room-1-room_type": "音乐", "room-1-area": "96", "room-1-room_name": "音乐教室2"}
    data = {k: v for k, v in form_data(sub).items() if not k.startswith("room-")} | rooms
    response = login(world.user_a).post(reverse("school", args=[world.year, world.school_a.code]), data)
    assert response.status_code == 302
    sub.refresh_from_db()
    assert [r["room_name"] for r in sub.rooms] == ["音乐教室1", "音乐教室2"]
    page = login(world.user_a).get(reverse("school", args=[world.year, world.school_a.code])).content.decode()
    assert "教室名称/编号" in page and 'value="音乐教室2"' in page


def test_fixed_identity_fields_cannot_be_changed_by_the_form(world, login):
    sub = fresh_draft(world)
    login(world.user_a).post(reverse("school", args=[world.year, world.school_a.code]),
                             form_data(sub, school_code=world.school_b.code, year="1999"))
    sub.refresh_from_db()
    assert sub.values["school_code"] == world.school_a.code and sub.values["year"] == world.year


def test_states_draft_submitted_returned_accepted(world, login):
    sub = fresh_draft(world)
    url = reverse("school_move", args=[world.year, world.school_a.code])
    school, bureau = login(world.user_a), None
    school.post(url, {"to": "submitted"})
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED
    # a submitted form is frozen for the school
    response = school.post(reverse("school", args=[world.year, world.school_a.code]), form_data(sub))
    assert response.status_code == 403
    bureau = login(world.bureau)
    bureau.post(url, {"to": "returned", "reason": ""})
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED  # a return needs a reason
    bureau.post(url, {"to": "returned", "reason": "体育艺术教师数与花名册不符"})
    sub.refresh_from_db()
    assert sub.status == Status.RETURNED and sub.return_reason
    login(world.user_a).post(url, {"to": "submitted"})
    login(world.bureau).post(url, {"to": "accepted"})
    sub.refresh_from_db()
    assert sub.status == Status.ACCEPTED
    actions = list(AuditEntry.objects.filter(target__contains=world.school_a.name).values_list("action", flat=True))
    assert {"submission.submitted", "submission.returned", "submission.accepted"} <= set(actions)


def test_a_school_cannot_accept_its_own_data(world, login):
    sub = fresh_draft(world)
    url = reverse("school_move", args=[world.year, world.school_a.code])
    client = login(world.user_a)
    client.post(url, {"to": "submitted"})
    assert client.post(url, {"to": "accepted"}).status_code == 403
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED


def test_only_accepted_data_is_official(world, login):
    sub = fresh_draft(world)
    assert world.school_a.code not in dataset_for(world.cy, official=True).schools["school_code"].to_list()
    Submission.objects.filter(pk=sub.pk).update(status=Status.SUBMITTED)
    assert world.school_a.code in dataset_for(world.cy, official=False).schools["school_code"].to_list()
    html = login(world.bureau).get(reverse("dashboard", args=[world.year]) + "?preview=1").content.decode()
    assert 'id="provisional"' in html


def test_accepting_data_refreshes_the_official_result(world, login):
    sub = fresh_draft(world)
    Submission.objects.filter(pk=sub.pk).update(status=Status.SUBMITTED)
    result, _ = result_of(world.cy)
    assert all(u["school_code"] != world.school_a.code for u in result["units"])
    revision = world.county.revision
    login(world.bureau).post(reverse("school_move", args=[world.year, world.school_a.code]), {"to": "accepted"})
    world.county.refresh_from_db()
    assert world.county.revision > revision  # the stored result is of an older revision: never shown again
    assert not EvaluationSnapshot.objects.filter(county=world.county, official=True,
                                                 revision=world.county.revision).exists()
    result, _ = result_of(world.cy)
    assert any(u["school_code"] == world.school_a.code for u in result["units"])


def workbook_bytes(dataset, tmp_path) -> io.BytesIO:
    path = tmp_path / "county.xlsx"
    write_dataset_xlsx(dataset, path)
    return io.BytesIO(path.read_bytes())


def test_county_upload_is_all_or_nothing(world, login, small_dataset, tmp_path):
    import polars as pl

    bad = small_dataset.schools.with_columns(
        pl.when(pl.col("school_code") == world.school_b.code).then(None).otherwise(pl.col("teaching_area"))
        .alias("teaching_area"))
    from dataclasses import replace

    upload = workbook_bytes(replace(small_dataset, schools=bad.with_columns(pl.col("multimedia_rooms") + 1)), tmp_path)
    upload.name = "全县.xlsx"
    before = {s.school_id: s.values for s in Submission.objects.all()}
    response = login(world.bureau).post(reverse("import", args=[world.year]), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "学校 表第 3 行" in html and "教学及辅助用房面积" in html
    assert {s.school_id: s.values for s in Submission.objects.all()} == before


def test_county_upload_stores_accepted_submissions(world, login, small_dataset, tmp_path):
    from dataclasses import replace

    import polars as pl

    changed = replace(small_dataset, schools=small_dataset.schools.with_columns(pl.col("multimedia_rooms") + 1))
    upload = workbook_bytes(changed, tmp_path)
    upload.name = "全县.xlsx"
    response = login(world.bureau).post(reverse("import", args=[world.year]), {"file": upload})
    assert response.status_code == 302
    sub = Submission.objects.get(school=world.school_a, year=world.year)
    expected = changed.schools.filter(pl.col("school_code") == world.school_a.code)["multimedia_rooms"][0]
    assert sub.status == Status.ACCEPTED and sub.values["multimedia_rooms"] == expected
    assert AuditEntry.objects.filter(action="import.county").exists()


def test_school_template_upload_takes_only_its_own_row(world, login, small_dataset, tmp_path):
    fresh_draft(world)
    upload = workbook_bytes(small_dataset, tmp_path)
    upload.name = "本校.xlsx"
    response = login(world.user_a).post(reverse("school_upload", args=[world.year, world.school_a.code]),
                                        {"file": upload})
    assert response.status_code == 302
    assert School.objects.count() == 4


def test_upload_of_a_non_spreadsheet_is_refused_in_chinese(world, login):
    fresh_draft(world)
    upload = io.BytesIO(b"hello")
    upload.name = "note.txt"
    response = login(world.user_a).post(reverse("school_upload", args=[world.year, world.school_a.code]),
                                        {"file": upload})
    assert response.status_code == 400 and "不支持的文件类型" in response.content.decode()


def test_broken_workbook_lists_errors_with_row_and_column(world, login, tmp_path):
    fresh_draft(world)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("学校")
    headers = [f.display_header for f in SCHOOLS.fields]
    sheet.write_row(0, 0, headers)
    sheet.write_row(1, 0, ["2024", "", "清溪县", world.school_a.code, "x", "小学", "公办"])
    book.close()
    buffer.seek(0)
    buffer.name = "坏.xlsx"
    response = login(world.user_a).post(reverse("school_upload", args=[world.year, world.school_a.code]),
                                        {"file": buffer})
    html = response.content.decode()
    assert response.status_code == 400
    assert "学校 表第 2 行" in html


def test_county_form_uses_the_importer_too(world, login):
    client = login(world.bureau)
    url = reverse("county_data", args=[world.year])
    data = {k: display(v) for k, v in world.cy.county_values.items()}
    response = client.post(url, {**data, "teachers_total": "很多"})
    assert response.status_code == 400 and "专任教师总数" in response.content.decode()
    response = client.post(url, {**data, "teachers_total": "5000"})
    assert response.status_code == 302
    world.cy.refresh_from_db()
    assert world.cy.county_values["teachers_total"] == 5000


def test_a_new_year_form_starts_from_last_years_identity(world, login):
    from junheng.web.models import CollectionYear

    CollectionYear.objects.create(county=world.county, year=world.year + 1)
    html = login(world.user_a).get(reverse("school", args=[world.year + 1, world.school_a.code])).content.decode()
    last = Submission.objects.get(school=world.school_a, year=world.year).values
    assert f'value="{world.year + 1}"' in html
    assert f'<option value="{last["school_type"]}" selected>' in html
    assert f'value="{last["primary_students"]}"' not in html  # numbers are this year's to fill


def test_what_an_upload_did_not_use_is_named_on_the_page(world, login, small_dataset, tmp_path):
    """The importer's notices (an unused column here) reach the bureau, as the CLI prints them."""
    import openpyxl

    path = tmp_path / "county.xlsx"
    write_dataset_xlsx(small_dataset, path)
    book = openpyxl.load_workbook(path)
    sheet = book["学校"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "校长寄语")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column, "办好人民满意的教育")
    book.save(path)
    upload = io.BytesIO(path.read_bytes())
    upload.name = "全县.xlsx"
    response = login(world.bureau).post(reverse("import", args=[world.year]), {"file": upload}, follow=True)
    html = response.content.decode()
    assert "已导入" in html and "提示" in html and "校长寄语" in html
