"""The upload view: the same ``import_tongji`` and workbook writer as the CLI, inside a temporary folder."""

from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from junheng.io import InputErrors
from junheng.io.tongji import compare, import_tongji, write_import_workbook
from junheng.web.access import collection_year, require_role
from junheng.web.models import Account, Role
from junheng.web.results import dataset_for

MAX_FILES = 500  # a county's schools
MAX_BYTES = 100 * 1024 * 1024  # all files together
_UNSAFE = re.compile(r"[^\w\-.()（）\u4e00-\u9fff]+")


@require_role(Role.BUREAU, Role.INSPECTOR)
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    """POST ``files``: the fill-in workbook to download, or with ``action=check`` the differences
    between the exports and the data the schools submitted (accepted or waiting for review)."""
    cy = collection_year(acc, year)
    problems: list[str] = []
    differences = None
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        problems = _limits(uploads)
        if not problems:
            try:
                with _imported(uploads, year, cy.county.name, cy.county.code) as (folder, result):
                    if request.POST.get("action") != "check":
                        return _workbook_response(folder, result, year, cy.county.name)
                    differences = compare(dataset_for(cy, official=False), result)
            except InputErrors as exc:
                problems = [str(e) for e in exc.errors] or [str(exc)]
    return render(request, "tongji/upload.html", {"cy": cy, "year": year, "problems": problems,
                                                  "differences": differences},
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


@contextmanager
def _imported(uploads, year: int, county: str, county_code: str | None):
    """The uploads in a temporary folder, imported; the folder is removed afterwards."""
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
        yield folder, result


def _workbook_response(folder: Path, result, year: int, county: str) -> HttpResponse:
    out = folder / "out.xlsx"
    write_import_workbook(result, out)
    response = HttpResponse(out.read_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"事业统计导入-{county}-{year}.xlsx")
    return response


def _general(message: str):
    from junheng.io import InputError

    return InputError(None, None, None, None, message)
