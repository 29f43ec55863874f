"""The survey workbook: 表Ⅵ, item rates, quota progress, the anonymous answers, refused answers
and the rules used. Anonymous: no address, device, ticket or time of day is written."""

from __future__ import annotations

import io
from fractions import Fraction

import xlsxwriter

from junheng.survey import GROUP_ZH, GROUPS
from junheng.survey.questionnaire import QUESTIONNAIRE_ZH
from junheng.survey.results import percent, share

from .models import RejectReason, Response
from .tally import State, params_of


def _number(value) -> float | int | str:
    if value is None:
        return ""
    return float(value) if isinstance(value, Fraction) else value


def workbook(state: State) -> bytes:
    survey = state.survey
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E3EEF9", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    pct = book.add_format({"border": 1, "num_format": "0.00"})
    title = book.add_format({"bold": True, "font_size": 14})

    def sheet(name: str, heading: str, headers: list[str], widths: list[int]):
        ws = book.add_worksheet(name)
        ws.write_string(0, 0, heading, title)
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(2, col, text, bold)
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 0)
        return ws

    ws = sheet("表Ⅵ", f"表Ⅵ 社会认可度（{survey.county.name} {survey.year} 年度自查调查）", ["项目", "数值", "单位"], [16, 14, 8])
    for row, (label, value, unit) in enumerate(state.table.rows(), start=3):
        ws.write_string(row, 0, label, cell)
        if value is None:
            ws.write_string(row, 1, "—", cell)
        else:
            ws.write_number(row, 1, _number(value), pct if unit == "%" else cell)
        ws.write_string(row, 2, unit, cell)
    note = ("综合满意度 = (满意问卷数 + 走访满意人数) ÷ (有效问卷数 + 实地走访人数)" if state.table.method == "pooled"
            else "综合满意度 = 满意问卷数 ÷ 有效问卷数")
    ws.write_string(13, 0, f"说明：{note}；满意问卷指总体评价题选择“满意/比较满意”的问卷；无效答卷不计入。")
    if survey.official_rate is not None:
        ws.write_string(14, 0, f"S1 采用国家调查结果 {survey.official_rate}%（{survey.official_source}），优先于本表自查结果。")

    ws = sheet("分项满意度", "各题满意度", ["问卷", "题号", "方面", "题目", "有效作答", "满意", "满意度(%)"],
               [12, 8, 12, 60, 10, 8, 12])
    for row, item in enumerate(sorted(state.summary.items.values(), key=lambda i: (i.questionnaire, i.item_id)), start=3):
        ws.write_row(row, 0, [QUESTIONNAIRE_ZH[item.questionnaire], item.item_id, item.topic, item.text], cell)
        ws.write_number(row, 4, item.counted, cell)
        ws.write_number(row, 5, item.satisfied, cell)
        ws.write(row, 6, _number(None if item.rate is None else item.rate * 100), pct)

    ws = sheet("配额进度", "各类调查对象配额与有效问卷", ["调查对象", "配额", "有效问卷", "尚缺", "满意度"], [18, 10, 10, 10, 12])
    for row, group in enumerate(GROUPS, start=3):
        quota = survey.plan["groups"].get(group, 0)
        tally = state.summary.groups.get(group)
        valid = tally.valid if tally else 0
        ws.write_row(row, 0, [GROUP_ZH[group], quota, valid, max(quota - valid, 0),
                              percent(share(tally.rate) if tally else None)], cell)

    headers = ["序号", "问卷", "调查对象", "城乡", "学校标识码", "学校", "年级", "提交日期", "用时(秒)", "满意问卷"]
    items = [(qid, item) for qid, q in state.questionnaires.items() for item in q.items]
    ws = sheet("答卷（匿名）", "有效答卷（匿名，不含任何可识别个人的信息）", headers + [f"{QUESTIONNAIRE_ZH[q]} {i.id}" for q, i in items],
               [6, 12, 16, 6, 14, 24, 6, 12, 8, 8] + [10] * len(items))
    column = {key: len(headers) + n for n, key in enumerate((q, i.id) for q, i in items)}
    rows = Response.objects.filter(survey=survey).select_related("school").order_by("id")
    for row, r in enumerate(rows.iterator(), start=3):
        ws.write_row(row, 0, [row - 2, QUESTIONNAIRE_ZH.get(r.questionnaire, r.questionnaire),
                              GROUP_ZH.get(r.group, r.group), r.area, r.school.code if r.school else "",
                              r.school.name if r.school else "全县", r.grade or "", f"{r.submitted_at:%Y-%m-%d}",
                              r.seconds, "是" if r.satisfied else "否"])
        q = state.questionnaires.get(r.questionnaire)
        for item_id, position in r.answers.items():
            if q is not None and (r.questionnaire, item_id) in column:
                ws.write_string(row, column[(r.questionnaire, item_id)], q.item(item_id).scale.options[position])

    ws = sheet("无效答卷", "未采用的答卷（按原因计数，不计入满意度）", ["原因", "份数"], [36, 10])
    for row, reason in enumerate(RejectReason, start=3):
        ws.write_row(row, 0, [reason.label, state.rejected.get(reason.value, 0)], cell)

    ws = sheet("抽样与规则", "抽样方案与防刷票规则（带出处的参数）", ["参数", "说明", "取值", "单位", "出处"], [30, 40, 14, 10, 60])
    for row, values in enumerate(params_of(survey).rows(), start=3):
        ws.write_row(row, 0, values, cell)
    book.close()
    return buffer.getvalue()
