"""The upload view: the same ``import_tongji`` and workbook writer as the CLI, inside a temporary folder."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from junheng.io import InputErrors
from junheng.io.tongji import import_tongji, write_import_workbook
from junheng.web.access import collection_year, require_role
from junheng.web.models import Account, Role

MAX_FILES = 500  # a county's schools
MAX_BYTES = 100 * 1024 * 1024  # all files together
_UNSAFE = re.compile(r"[^\w\-.()（）\u4e00-\u9fff]+")


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    problems: list[str] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        problems = _limits(uploads)
        if not problems:
            try:
                return _workbook_response(uploads, year, cy.county.name, cy.county.code)
            except InputErrors as exc:
                problems = [str(e) for e in exc.errors] or [str(exc)]
    return render(request, "tongji/upload.html", {"cy": cy, "year": year, "problems": problems},
                  status=400 if problems else 200)


def _limits(uploads) -> list[str]:
    if not uploads:
        return ["请选择事业统计导出的工作簿（可一次选择多个）"]
    if len(uploads) > MAX_FILES:
        return [f"一次最多上传 {MAX_FILES} 个文件"]
    if sum(u.size for u in uploads) > MAX_BYTES:
        return [f"文件合计超过 {MAX_BYTES // 1024 // 1024} MB"]
    wrong = [u.name for u in uploads if not u.name.lower().endswith((".xlsx", ".xlsm"))]
    return [f"“{name}”不是 .xlsx 工作簿（旧版 .xls 请先在 Excel 或 WPS 中另存为 .xlsx）" for name in wrong]


def _workbook_response(uploads, year: int, county: str, county_code: str | None) -> HttpResponse:
    with tempfile.TemporaryDirectory(prefix="junheng-tongji-") as folder:
        folder = Path(folder)
        for number, upload in enumerate(uploads):
            name = _UNSAFE.sub("_", Path(upload.name).name)[-120:] or "export.xlsx"
            with open(folder / f"{number:04d}-{name}", "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
        result = import_tongji([folder], county=county)
        years = sorted({r.values["year"] for r in result.records})
        if years != [year]:
            shown = "、".join(str(y) for y in years)
            raise InputErrors([_general(f"导出的统计学年为 {shown}，与本页的 {year} 年度不一致，请在对应年度下上传")])
        others = [r.label for r in result.records if county_code and r.values.get("county_code") not in (None, county_code)]
        if others:
            raise InputErrors([_general(f"{label}不属于{county}（县区代码 {county_code}）") for label in others])
        out = folder / "out.xlsx"
        write_import_workbook(result, out)
        data = out.read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"事业统计导入-{county}-{year}.xlsx")
    return response


def _general(message: str):
    from junheng.io import InputError

    return InputError(None, None, None, None, message)
