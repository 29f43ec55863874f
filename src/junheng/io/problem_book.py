"""The 问题清单 workbook: every shortfall the engine found, per county and per school (一校一案).

The county sheet lists all problem items, most serious first: those that stop the county passing
(``blocking``), then by kind (below the 85% floor, below the standard, missing music/art rooms,
oversize school, large classes, training funds, units pulling a failing 差异系数), then by the
relative size of the gap. Each school with problems gets a sheet of its own items plus empty
整改措施 / 责任人 / 完成时限 / 佐证材料 columns for the school to fill in as its 整改方案 draft.

One workbook per county, as the 测算表 (:mod:`junheng.io.county_files`): with several counties the
path names a folder that receives ``<县名>问题清单.xlsx`` for each. A list computed under a province's
profile (or any other scenario) says so in red on every sheet.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from junheng.io.county_files import county_key, county_targets, group_by_county
from junheng.io.xlsx import SheetNames, Styles, atomic_workbook, number_format_for, wrapped_height
from junheng.problems import KIND_ORDER, kind_label
from junheng.progress import SILENT, Progress
from junheng.schema import STAGE_ZH

ITEM_COLUMNS = ["学段", "指标", "问题类型", "现值", "标准", "缺口", "单位", "是否影响达标", "说明"]
ITEM_WIDTHS = [6, 28, 20, 12, 12, 10, 6, 8, 40]
PLACE_WIDTHS = [6, 13, 26]  # 序号, 学校标识码, 学校名称
PLAN_COLUMNS = ["整改措施", "责任人", "完成时限", "佐证材料"]
PLAN_WIDTHS = [36, 10, 12, 24]
PLAN_ROWS_EXTRA = 5  # spare rows under a school's items for measures that cover several items
INPUT_FILL = "#FFF2CC"


def relative_gap(problem: dict) -> float:
    """How far the value is from the standard, as a share of the standard (0 when unknown)."""
    value, standard = problem.get("value"), problem.get("standard")
    if not isinstance(value, int | float) or not isinstance(standard, int | float) or not standard:
        return 0.0
    return abs(standard - value) / abs(standard)


def severity_key(problem: dict) -> tuple:
    kind = problem.get("kind")
    kind_rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (not problem.get("blocking"), kind_rank, -relative_gap(problem),
            str(problem.get("school_code") or ""), str(problem.get("item") or ""))


def item_label(problem: dict, standard) -> str:
    item = str(problem.get("item") or "")
    name = standard.indicators[item].name if item in standard.indicators else standard.items.get(item, "")
    return f"{item} {name}".strip()


class _ProblemWriter:
    def __init__(self, workbook, evaluation, scenario: str | None = None) -> None:
        self.workbook = workbook
        self.scenario = scenario
        self.standard = evaluation.standard
        self.params_by_year = evaluation.params_by_year
        self.styles = Styles(workbook)
        self.names = SheetNames()
        self.input_cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top",
                                               "bg_color": INPUT_FILL})
        self.input_date = workbook.add_format({"border": 1, "valign": "top", "bg_color": INPUT_FILL,
                                               "num_format": "yyyy-mm-dd"})
        self.banner = workbook.add_format({"bold": True, "font_color": "#C00000"})

    def subtitle(self, sheet: Worksheet, text: str) -> None:
        """Row 2: what the sheet holds; in red, led by the scenario, when it is not the official list."""
        if self.scenario:
            sheet.write_string(1, 0, f"{self.scenario}（非正式问题清单）　{text}", self.banner)
        else:
            sheet.write_string(1, 0, text, self.styles.note)

    def columns(self, sheet: Worksheet, headers: list[str], widths: list[float], row: int) -> None:
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(row, col, text, self.styles.header)
            sheet.set_column(col, col, width)
        sheet.set_row(row, max(30, wrapped_height(list(zip(headers, widths, strict=True)))))
        sheet.repeat_rows(row)
        sheet.freeze_panes(row + 1, 0)
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)

    def item_cells(self, sheet: Worksheet, row: int, col: int, problem: dict) -> None:
        """The nine ITEM_COLUMNS of one problem, from column ``col`` on."""
        s = self.styles
        blocking = bool(problem.get("blocking"))
        sheet.write_string(row, col, STAGE_ZH.get(problem.get("stage") or "", problem.get("stage") or ""), s.text)
        label, message = item_label(problem, self.standard), str(problem.get("message") or "")
        kind = kind_label(problem["kind"], self.params_by_year[problem["year"]])
        school = str(problem.get("school_name") or "")
        sheet.set_row(row, wrapped_height([(label, ITEM_WIDTHS[1]), (kind, ITEM_WIDTHS[2]), (message, ITEM_WIDTHS[8]),
                                           (school, PLACE_WIDTHS[2])]))
        sheet.write_string(row, col + 1, label, s.wrap)
        sheet.write_string(row, col + 2, kind, s.wrap)
        for offset, key in ((3, "value"), (4, "standard")):
            figure = problem.get(key)
            if isinstance(figure, int | float) and not isinstance(figure, bool):
                sheet.write_number(row, col + offset, figure, s.number(number_format_for(figure)))
            else:
                sheet.write_blank(row, col + offset, None, s.text)
        gap = problem.get("school_shortfall", problem.get("shortfall"))
        if isinstance(gap, int | float) and not isinstance(gap, bool):
            sheet.write_number(row, col + 5, gap, s.number(number_format_for(gap), "fail" if blocking else ""))
        else:
            sheet.write_blank(row, col + 5, None, s.text)
        sheet.write_string(row, col + 6, str(problem.get("unit") or ""), s.text)
        sheet.write_string(row, col + 7, "是" if blocking else "否", s.verdict(False if blocking else None))
        sheet.write_string(row, col + 8, message, s.wrap)

    def county_sheet(self, name: str, county: dict, problems: list[dict], school_sheets: dict[str, str]) -> None:
        sheet = self.workbook.add_worksheet(name)
        s = self.styles
        sheet.write_string(0, 0, f"{county['county_name']} {county['year']} 年度 问题清单", s.title)
        blocking = sum(1 for p in problems if p.get("blocking"))
        self.subtitle(sheet, f"评估标准：{self.standard.label}　共 {len(problems)} 项，其中影响达标 {blocking} 项；"
                      "缺口为全校需增加的数量（一贯制学校按学段分摊折算）")
        headers = ["序号", "学校标识码", "学校名称", *ITEM_COLUMNS]
        self.columns(sheet, headers, [*PLACE_WIDTHS, *ITEM_WIDTHS], 3)
        for number, problem in enumerate(problems, start=1):
            row = 3 + number
            sheet.write_number(row, 0, number, s.integer)
            code = str(problem.get("school_code") or "")
            sheet.write_string(row, 1, code, s.text)
            name = str(problem.get("school_name") or "")
            if code in school_sheets:
                sheet.write_url(row, 2, f"internal:'{school_sheets[code]}'!A1", s.wrap, name)
            else:
                sheet.write_string(row, 2, name, s.wrap)
            self.item_cells(sheet, row, 3, problem)
        if problems:
            sheet.autofilter(3, 0, 3 + len(problems), len(headers) - 1)
        else:
            sheet.write_string(4, 0, "未发现问题。", s.note)

    def school_sheet(self, name: str, problems: list[dict]) -> None:
        sheet = self.workbook.add_worksheet(name)
        s = self.styles
        first = problems[0]
        sheet.write_string(0, 0, f"{first.get('school_name')}（{first.get('school_code')}）整改方案（一校一案）", s.title)
        self.subtitle(sheet, f"{first.get('county_name')} {first.get('year')} 年度　问题 {len(problems)} 项；"
                      "请填写浅黄色各列，完成时限填日期（如 2025-08-31）")
        headers = ["序号", *ITEM_COLUMNS, *PLAN_COLUMNS]
        self.columns(sheet, headers, [6, *ITEM_WIDTHS, *PLAN_WIDTHS], 3)
        last_row = 3 + len(problems) + PLAN_ROWS_EXTRA
        plan_col = 1 + len(ITEM_COLUMNS)
        for number, problem in enumerate(problems, start=1):
            row = 3 + number
            sheet.write_number(row, 0, number, s.integer)
            self.item_cells(sheet, row, 1, problem)
        for row in range(4, last_row + 1):
            for offset in range(len(PLAN_COLUMNS)):
                is_date = PLAN_COLUMNS[offset] == "完成时限"
                sheet.write_blank(row, plan_col + offset, None, self.input_date if is_date else self.input_cell)
        date_col = plan_col + PLAN_COLUMNS.index("完成时限")
        sheet.data_validation(4, date_col, last_row, date_col, {
            "validate": "date", "criteria": "between",
            "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
            "input_title": "完成时限", "input_message": "填写日期，如 2025-08-31",
            "error_title": "完成时限", "error_message": "请填写日期，如 2025-08-31"})


def _county_book(evaluation, county: dict, problems: list[dict], path: Path, scenario: str | None) -> Path:
    problems = sorted(problems, key=severity_key)
    by_school: dict[str, list[dict]] = {}
    for problem in problems:
        if problem.get("school_code"):
            by_school.setdefault(str(problem["school_code"]), []).append(problem)
    with atomic_workbook(path) as workbook:
        writer = _ProblemWriter(workbook, evaluation, scenario)
        # Sheet names are settled first so the county list can link to each school's sheet.
        county_sheet = writer.names.unique("问题清单")
        school_sheets = {code: writer.names.unique(str(items[0].get("school_name") or code))
                         for code, items in by_school.items()}
        writer.county_sheet(county_sheet, county, problems, school_sheets)
        for code, items in by_school.items():
            writer.school_sheet(school_sheets[code], items)
    return path


def write_problem_books(evaluation, path: str | os.PathLike, *, scenario: str | None = None,
                        progress: Progress = SILENT) -> list[Path]:
    """One 问题清单 per county: ``path`` itself for one county, else ``<县名>问题清单.xlsx`` in the
    folder ``path`` names."""
    with progress.step("查找问题"):  # the problems and counties only, not the whole to_dict()
        counties = evaluation.counties
        problems = group_by_county(evaluation.problems)
    written = []
    with progress.step("写出问题清单"):
        for done, (county, target) in enumerate(zip(counties, county_targets(path, ".xlsx", "问题清单", counties),
                                                    strict=True), start=1):
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(_county_book(evaluation, county, problems.get(county_key(county), []), target, scenario))
            progress.advance(done, len(counties), "个县")
    return written


def write_problem_book(evaluation, path: str | os.PathLike, *, scenario: str | None = None) -> Path:
    """Write the 问题清单 workbook of a one-county evaluation to exactly ``path`` (whatever its suffix:
    the web app writes to a temporary name and moves it into place)."""
    counties = evaluation.counties
    if len(counties) != 1:
        raise ValueError(f"write_problem_book writes one county; the evaluation has {len(counties)}: "
                         "use write_problem_books")
    return _county_book(evaluation, counties[0], evaluation.problems, Path(path), scenario)
