"""The bureau's 事业统计 upload: exports in, the fill-in workbook out, nothing stored."""

from __future__ import annotations

import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from junheng.web.models import Submission
from tongji_exports import school, write_v2020, write_v2021


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def exports(tmp_path, year, **changes):
    return [write_v2020(tmp_path / "a.xlsx", school(1, year=year, county_code="330101", **changes)),
            write_v2021(tmp_path / "b.xlsx", school(2, "九年一贯制学校", year=year, county_code="330101", **changes))]


def test_bureau_uploads_exports_and_downloads_the_fill_in_workbook(world, login, tmp_path):
    client = login(world.bureau)
    url = reverse("tongji_upload", args=[world.year])
    assert "导入教育事业统计导出" in client.get(url).content.decode()
    before = Submission.objects.count()
    response = client.post(url, {"files": [upload(p) for p in exports(tmp_path, world.year)]})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["学校"].iter_rows(min_row=2, values_only=True))
    assert len([r for r in rows if any(r)]) == 2
    assert {r[2] for r in rows if any(r)} == {world.county.name}
    assert "事业统计导入" in book.sheetnames
    assert Submission.objects.count() == before  # nothing stored


def test_a_bad_export_is_a_chinese_form_error(world, login, tmp_path):
    path = write_v2020(tmp_path / "bad.xlsx", school(1, year=world.year), drop=("111",))
    response = login(world.bureau).post(reverse("tongji_upload", args=[world.year]), {"files": [upload(path)]})
    assert response.status_code == 400
    assert "基础基111" in response.content.decode()


def test_exports_of_another_year_are_refused(world, login, tmp_path):
    response = login(world.bureau).post(reverse("tongji_upload", args=[world.year]),
                                        {"files": [upload(p) for p in exports(tmp_path, world.year - 1)]})
    assert response.status_code == 400 and "年度不一致" in response.content.decode()


def test_only_the_bureau_may_upload(world, login, tmp_path):
    response = login(world.user_a).get(reverse("tongji_upload", args=[world.year]))
    assert response.status_code == 403


def test_check_lists_where_submitted_data_disagree_with_the_exports(world, login, tmp_path):
    sub = Submission.objects.get(school=world.school_a, year=world.year)
    values = {k: v for k, v in sub.values.items() if v is not None}
    s = school(1, values["school_type"]) | {"computers": 80, "books": 20000} | values
    s["primary_students"] = values["primary_students"] + 7  # 事业统计 says 7 more pupils
    path = write_v2020(tmp_path / "a.xlsx", s)
    response = login(world.inspector).post(reverse("tongji_upload", args=[world.year]),
                                           {"files": [upload(path)], "action": "check"})
    assert response.status_code == 200, response.content.decode()[-3000:]
    html = response.content.decode()
    assert "与事业统计不一致" in html and "小学在校生数(人)" in html and "基础基312!H7" in html
    assert str(values["primary_students"] + 7) in html
    assert "事业统计导出中没有该校" in html  # the other schools of the county have no export here
    rows = re.findall(rf"<tr><td>{world.school_a.code}</td>.*?</tr>", html, re.S)
    assert len(rows) == 1, rows  # only the pupils differ: every other field agrees exactly
