"""The web app's own tracking lists to download (问题清单 with rectification status, 成效清单); the
engine's files are built per revision in :mod:`.files`."""

from __future__ import annotations

import io

import xlsxwriter
from django.db.models import QuerySet
from django.http import HttpResponse

from junheng.io.xlsx import Styles, text_width
from junheng.schema import STAGE_ZH

from ..models import CollectionYear, Problem
from ..results import latest_state, result_of
from .files import XLSX, content_disposition


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


OUTPUT_LABELS = [("measures", "测算表（Excel）"), ("problem-book", "问题清单（Excel，测算结果）"),
                 ("report", "督导评估报告（Word）"), ("problems", "问题清单与整改进度（Excel）"),
                 ("effects", "成效清单（Excel）")]


def _cell(value) -> object:
    if value is None:
        return ""
    return value if isinstance(value, int | float) else str(value)


def problem_list(cy: CollectionYear, problems: QuerySet[Problem], closed_only: bool) -> HttpResponse:
    """The tracking list: each problem with owner, measure, deadline, status; the 成效清单 adds the
    figure found, the latest figure and the change."""
    result, _ = result_of(cy, official=True)
    header = ["序号", "学校", "学段", "指标", "问题描述", "发现时数值", "标准", "缺口", "单位", "来源",
              "责任人", "整改措施", "整改时限", "状态", "逾期", "佐证材料数"]
    if closed_only:
        header += ["销号时间", "最新测算数值", "最新缺口", "最新测算是否仍有此问题"]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False})
    styles = Styles(workbook)
    title = "成效清单" if closed_only else "问题清单"
    sheet = workbook.add_worksheet(title)
    sheet.write_string(0, 0, f"{cy.county.name} {cy.year} 年度{title}", styles.title)
    for col, name in enumerate(header):
        sheet.write_string(2, col, name, styles.header)
        sheet.set_column(col, col, max(8, text_width(name) + 2))
    sheet.set_column(4, 4, 40)
    sheet.set_column(11, 11, 40)
    for n, p in enumerate(problems.prefetch_related("evidence"), start=1):
        row = [n, p.school.name if p.school else p.county.name, STAGE_ZH.get(p.stage, p.stage), p.item,
               p.message, p.value, p.standard, p.shortfall, p.unit, p.get_source_display(), p.owner, p.measure,
               p.deadline.isoformat() if p.deadline else "", p.get_status_display(), "是" if p.overdue else "",
               len(p.evidence.all())]
        if closed_only:
            now = latest_state(p, result)
            row += [p.closed_at.strftime("%Y-%m-%d") if p.closed_at else "", now and now.value, now and now.shortfall,
                    "" if now is None or p.source != "evaluation" else "否" if now.resolved else "是"]
        for col, value in enumerate(row):
            sheet.write(2 + n, col, _cell(value), styles.wrap if col in (4, 11) else styles.text)
    sheet.freeze_panes(3, 2)
    workbook.close()
    # Not the engine's 问题清单 file name: this one is the tracking list with the rectification status.
    filename = f"{cy.county.name}{cy.year}年度{'成效清单' if closed_only else '问题清单（整改进度）'}.xlsx"
    return attachment(buffer.getvalue(), filename, XLSX)
