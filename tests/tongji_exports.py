"""Synthetic 事业统计 exports with the shape of the real ones (``shared/spec/shiye-tongji.md`` §1–§4).

No real export is copied (the one sample found carries a real institution's contact details): these
workbooks reproduce its *shape* — V2020: the column-letter row, the row-number column, the title in
B2, the table code and 单位 in B3, merged multi-row headers, the ``甲 乙 1 2 …`` row, labels in B
(or B:C merged) and 编号 beside them; V2021: labels in A, 代码 in B, values from C, sheet names
``教基NNNN`` or ``教基NNNN_<办学类型>`` — with every value the spec locates at the address the spec
records (基础基312!H7, 教基3112!I6 …), so a test can check both the value and where it was found.

A school is a dict of canonical field values (``school()``); the writers spread each total over
the detail cells (grades, subjects, degrees) so that the parts sum to the canonical numbers.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

YEAR = 2020
TYPE_NAME = {"小学": "小学", "初中": "初级中学", "九年一贯制学校": "九年一贯制学校", "完全中学": "完全中学",
             "十二年一贯制学校": "十二年一贯制学校"}
STAGES = {"小学": ("primary",), "初中": ("junior",), "九年一贯制学校": ("primary", "junior"),
          "完全中学": ("junior", "senior"), "十二年一贯制学校": ("primary", "junior", "senior")}


def school(number: int = 1, school_type: str = "小学", **changes) -> dict:
    """Canonical values of a plausible school (what the export holds, nothing it lacks)."""
    n = number
    row = {"year": YEAR, "county_code": "330101", "county_name": "清溪县", "school_code": f"33010{n:05d}",
           "school_name": f"清溪县第{n}{'小学' if school_type == '小学' else '学校'}", "school_type": school_type,
           "ownership": "民办" if n % 7 == 0 else "公办", "area_type": ("城区", "镇区", "乡村")[n % 3],
           "teaching_area": 3000 + 37.5 * n, "indoor_sports_area": 200 + 10 * (n % 5),
           "sports_field_area": 5000 + 50 * n, "equipment_value": 1_200_000 + 15_000 * n,
           "multimedia_rooms": 12 + n % 9, "computers": 80 + n, "books": 20000 + 300 * n}
    for i, stage in enumerate(STAGES[school_type]):
        students = 300 + 23 * n + 100 * i
        teachers = students // 17 + 2
        row |= {f"{stage}_students": students, f"{stage}_classes": students // 42 + 1,
                f"{stage}_teachers": teachers}
        if stage != "senior":
            row |= {f"{stage}_teachers_above_degree": teachers - 1 - n % 3, f"{stage}_key_teachers": 2 + n % 4,
                    f"{stage}_pe_arts_teachers": 3 + n % 5, f"{stage}_senior_title_teachers": teachers // 2}
    if "primary" in STAGES[school_type] or "junior" in STAGES[school_type]:
        row["migrant_students"] = 0
    row.update(changes)
    return row


# ── the sheet writer ────────────────────────────────────────────────────────────────────────


class Shape:
    """Where a version puts things: V2020 has a letter row and a row-number column, labels in B."""

    def __init__(self, v2020: bool, label_span: int = 1):
        self.v2020 = v2020
        self.label_col = 1 if v2020 else 0
        self.label_span = label_span
        self.code_col = self.label_col + label_span
        self.first_data = self.code_col + 1
        self.title_row = 1 if v2020 else 0


def write_table(workbook, name: str, title: str, code: str, unit: str, paths: list[tuple[str, ...]],
                rows: list[tuple[str, str, list]], shape: Shape, header_top: int | None = None,
                marks: tuple[str, ...] | None = None) -> None:
    """A 甲/乙 table: ``paths`` the header path of each data column (merged where they share a prefix,
    a short path merged down), ``rows`` (label, 编号, values per data column); ``marks`` the column-number
    row's marks of the data columns (default 1, 2, 3 …; a list table's 计量单位 column is 丙)."""
    sheet = workbook.add_worksheet(name)
    fmt = workbook.add_format({"border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    depth = max(len(p) for p in paths)
    top = header_top if header_top is not None else shape.title_row + 2
    jia_row = top + depth
    last_row = jia_row + len(rows)
    last_col = shape.first_data + len(paths) - 1
    if shape.v2020:
        for col in range(last_col + 1):
            sheet.write_string(0, col, xl_col_to_name(col))
        for row in range(1, last_row + 1):
            sheet.write_number(row, 0, row)
    sheet.write_string(shape.title_row, shape.label_col, title)
    sheet.write_string(shape.title_row + 1, shape.label_col, f"{code}          单位：{unit}")
    # the stub headers (项目 / 编号), merged down the header block
    _merge(sheet, top, shape.label_col, jia_row - 1, shape.code_col - 1, "指标名称" if not shape.v2020 else "项目", fmt)
    _merge(sheet, top, shape.code_col, jia_row - 1, shape.code_col, "代码" if not shape.v2020 else "编号", fmt)
    for level in range(depth):
        col = 0
        while col < len(paths):
            path = paths[col]
            if len(path) <= level:
                col += 1
                continue
            end = col
            while end + 1 < len(paths) and len(paths[end + 1]) > level and paths[end + 1][:level + 1] == path[:level + 1]:
                end += 1
            bottom = jia_row - 1 if level == len(path) - 1 else top + level
            _merge(sheet, top + level, shape.first_data + col, bottom, shape.first_data + end, path[level], fmt)
            col = end + 1
    _merge(sheet, jia_row, shape.label_col, jia_row, shape.code_col - 1, "甲", fmt)
    sheet.write_string(jia_row, shape.code_col, "乙", fmt)
    for col, mark in enumerate(marks or [str(n) for n in range(1, len(paths) + 1)]):
        sheet.write_string(jia_row, shape.first_data + col, mark, fmt)
    for offset, (label, code_text, values) in enumerate(rows, start=1):
        row = jia_row + offset
        _merge(sheet, row, shape.label_col, row, shape.code_col - 1, label, fmt)
        sheet.write_string(row, shape.code_col, code_text, fmt)
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row, shape.first_data + col, value)
            else:
                sheet.write_number(row, shape.first_data + col, value)


def _merge(sheet, r1, c1, r2, c2, text, fmt):
    if (r1, c1) == (r2, c2):
        sheet.write_string(r1, c1, text, fmt)
    else:
        sheet.merge_range(r1, c1, r2, c2, text, fmt)


def spread(total, parts: int) -> list:
    """``total`` over ``parts`` cells, first cells larger (integers stay integers)."""
    if isinstance(total, float) and not total.is_integer():
        return [total] + [0] * (parts - 1)
    total = int(total)
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# ── V2020 基础基 ────────────────────────────────────────────────────────────────────────────

V2020_SUBJECTS_PRIMARY = ["品德与生活(社会)", "语文", "数学", "科学", "外语", "其中：英语", "综合实践活动",
                          "体育", "音乐", "信息技术", "美术", "艺术", "其他"]  # D 合计, E 女, F…; 体育 M, 音乐 N, 美术 P, 艺术 Q
V2020_SUBJECTS_SECONDARY = ["思想品德(政治)", "语文", "数学", "外语", "其中：英语", "历史", "地理", "物理", "化学", "生物",
                            "科学", "历史与社会", "信息技术", "通用技术", "综合实践活动", "地方课程",
                            "体育与健康", "音乐", "美术", "艺术", "其他"]  # 体育与健康 V, 音乐 W, 美术 X, 艺术 Y


def write_v2020(path: Path, s: dict, *, moved_row: bool = False, drop: tuple[str, ...] = ()) -> Path:
    """One school's 基础基 export. ``moved_row`` adds a row above the totals of 312 (a later layout);
    ``drop`` leaves sheets out."""
    shape = Shape(True)
    merged = Shape(True, label_span=2)
    stages = STAGES[s["school_type"]]
    wb = xlsxwriter.Workbook(str(path))
    cover = wb.add_worksheet("封面")
    cover.write_string(3, 2, f"{s['year']}/{s['year'] + 1}学年初 基础教育基层统计调查表")
    cover.write_string(5, 2, "制表机关：教育部    批准机关：国家统计局    批准文号：国统制[2018]86号")
    sheets = {
        "111": lambda: _v2020_111(wb, s),
        "112": lambda: _v2020_112(wb, s),
        "212": lambda: "primary" in stages and write_table(
            wb, "基础基212", "小学教学班数、班额情况", "基础基212", "个", [("合计",)] + [(b,) for b in _BANDS],
            _class_rows(s, "primary", 6), merged, header_top=3),
        "213": lambda: ("junior" in stages) and write_table(
            wb, "基础基213", "中学教学班数、班额情况", "基础基213", "个", [("合计",)] + [("其中", b) for b in _BANDS],
            _secondary_class_rows(s, stages), merged),
        "312": lambda: "primary" in stages and write_table(
            wb, "基础基312", "小学学生数", "基础基312", "人",
            [("毕业生数",), ("招生数",), ("其中：接受过学前教育",), ("在校生数", "计")]
            + [("在校生数", g) for g in ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")]
            + [("预计毕业生数",)],
            ([("说明行", "00", [None] * 11)] if moved_row else [])
            + _student_rows(s["primary_students"], 6, 3, migrant=None), merged),
        "313": lambda: "junior" in stages and write_table(
            wb, "基础基313", "初中学生数", "基础基313", "人",
            [("毕业生数",), ("招生数",), ("在校生数", "计"), ("在校生数", "一年级"), ("在校生数", "二年级"),
             ("在校生数", "三年级"), ("预计毕业生数",)], _student_rows(s["junior_students"], 3, 2, None), merged),
        "314": lambda: "senior" in stages and write_table(
            wb, "基础基314", "普通高中学生数", "基础基314", "人",
            [("毕业生数",), ("招生数",), ("在校生数", "计"), ("在校生数", "一年级"), ("在校生数", "二年级"),
             ("在校生数", "三年级")], _student_rows(s["senior_students"], 3, 2, None), merged),
        "412": lambda: write_table(
            wb, "基础基412", "中小学教职工", "基础基412", "人",
            [("教职工数",), ("其中", "专任教师"), ("其中", "行政人员"), ("其中", "教辅人员"), ("其中", "工勤人员")],
            [("总计", "01", [sum(s.get(f"{st}_teachers", 0) for st in stages) + 10,
                             sum(s.get(f"{st}_teachers", 0) for st in stages), 4, 3, 3])], shape),
        "422": lambda: _v2020_422(wb, s, stages),
        "423": lambda: "primary" in stages and write_table(
            wb, "基础基423", "小学专任教师分课程、分学历情况", "基础基423", "人",
            [("合计",), ("其中：女",)] + [("按课程分", c) for c in V2020_SUBJECTS_PRIMARY],
            _teacher_rows(s, "primary", V2020_SUBJECTS_PRIMARY, ("体育", "音乐", "美术", "艺术"),
                          ("研究生毕业", "本科毕业", "专科毕业"), block=False), shape, header_top=3 + 1),
        "424": lambda: "junior" in stages and write_table(
            wb, "基础基424", "中学专任教师分课程、分学历情况", "基础基424", "人",
            [("合计",), ("其中：女",)] + [("按课程分", c) for c in V2020_SUBJECTS_SECONDARY],
            _secondary_teacher_rows(s, stages), shape, header_top=3 + 1),
        "512": lambda: write_table(
            wb, "基础基512", "中小学校舍情况", "基础基512", "平方米",
            [("合计",), ("按结构分", "框架"), ("按结构分", "砖混"), ("按结构分", "砖木"), ("按结构分", "土木"),
             ("租借面积计",), ("其中：租借公办基础教育学校校舍",)], _v2020_512_rows(s), merged),
        "522": lambda: write_table(
            wb, "基础基522", "中小学占地面积及其他办学条件", "基础基522", "平方米、册、台、间、万元",
            _V2020_522_PATHS, [("总计", "01", _v2020_522_values(s))], shape, header_top=5),
    }
    for code, write in sheets.items():
        if code not in drop:
            write()
    wb.close()
    return path


_BANDS = ("25人及以下", "26-30人", "31-35人", "36-40人", "41-45人", "46-50人", "51-55人", "56-65人", "66人及以上")


def _class_rows(s, stage, grades):
    classes = s[f"{stage}_classes"]
    per_grade = spread(classes, grades)
    rows = [("总计", "01", [classes] + [0, 0, 0, classes, 0, 0, 0, 0, 0])]
    names = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")[:grades]
    return rows + [(g, f"{i + 2:02d}", [n] + [0, 0, 0, n, 0, 0, 0, 0, 0]) for i, (g, n) in enumerate(zip(names, per_grade, strict=False))]


def _secondary_class_rows(s, stages):
    junior = s["junior_classes"]
    senior = s.get("senior_classes", 0) if "senior" in stages else 0
    rows = [("总计", "01", [junior + senior] + [0] * 9), ("初中", "02", [junior] + [0, 0, 0, 0, junior, 0, 0, 0, 0])]
    rows += [(g, f"{i + 3:02d}", [n] + [0] * 9) for i, (g, n) in enumerate(zip(("初一", "初二", "初三"), spread(junior, 3), strict=False))]
    if "senior" in stages:
        rows += [("高中", "06", [senior] + [0] * 9)]
    return rows


def _student_rows(total, grades, lead, migrant):
    values = [total // 5, total // 6] + ([total // 6] if lead == 3 else []) + [total] + spread(total, grades) + [total // 6]
    rows = [("总计", "01", values), ("#女", "02", [v // 2 for v in values]), ("#少数民族", "03", [0] * len(values))]
    if migrant is not None:
        rows.append(("#随迁子女", "04", [0] * len(values)))
    return rows


def _teacher_rows(s, stage, subjects, pe_arts, degrees, block, label=None):
    teachers = s[f"{stage}_teachers"]
    pe = s[f"{stage}_pe_arts_teachers"]
    others = [c for c in subjects if c not in pe_arts and not c.startswith("其中")]
    by_subject = dict.fromkeys(subjects, 0)
    for c, n in zip(pe_arts, spread(pe, len(pe_arts)), strict=False):
        by_subject[c] = n
    for c, n in zip(others, spread(teachers - pe, len(others)), strict=False):
        by_subject[c] = n
    total_row = [teachers, teachers // 2] + [by_subject[c] for c in subjects]
    above = s[f"{stage}_teachers_above_degree"]
    if len(degrees) == 3 and stage == "primary":  # 研究生, 本科, 专科
        amounts = [1, above - 1 - above // 3, above // 3]
    elif len(degrees) == 3:  # 研究生, 本科, 专科 (初中: 专科 is below the 本科 bar)
        amounts = [1, above - 1, teachers - above]
    elif stage == "primary":  # 博士, 硕士, 本科, 专科 (one 博士: lexcel's 九年 importer drops C9)
        amounts = [1, 1, above - 2 - above // 3, above // 3]
    else:  # 博士, 硕士, 本科, 专科
        amounts = [1, 1, above - 2, teachers - above]
    below = teachers - sum(amounts)
    rows = [(label or ("总计" if not block else {"primary": "小学", "junior": "初中"}[stage]), "01", total_row),
            ("#女", "02", [teachers // 2] + [None] * (len(total_row) - 1)),
            ("#少数民族", "03", [0] + [None] * (len(total_row) - 1))]
    rows += [(d, f"{i + 4:02d}", [a] + [None] * (len(total_row) - 1)) for i, (d, a) in enumerate(zip(degrees, amounts, strict=False))]
    rows += [("高中阶段毕业", "08", [below] + [None] * (len(total_row) - 1)),
             ("高中阶段以下毕业", "09", [0] + [None] * (len(total_row) - 1))]
    return rows


def _secondary_teacher_rows(s, stages, subjects=V2020_SUBJECTS_SECONDARY, pe_arts=("体育与健康", "音乐", "美术", "艺术"),
                            degrees=("研究生毕业", "本科毕业", "专科毕业")):
    junior = _teacher_rows(s, "junior", subjects, pe_arts, degrees, block=True)
    senior_teachers = s.get("senior_teachers", 0) if "senior" in stages else 0
    width = len(junior[0][2])
    senior = []
    if "senior" in stages:
        senior_row = [senior_teachers, senior_teachers // 2] + spread(senior_teachers, width - 2)
        senior = [("高中", "10", senior_row)] + [(d, f"{11 + i:02d}", [0] + [None] * (width - 1))
                                                 for i, d in enumerate(("#女", "#少数民族", *degrees))]
    total = [a + (b if senior else 0) for a, b in zip(junior[0][2], senior[0][2] if senior else [0] * width, strict=False)]
    return [("总计", "00", total)] + junior + senior


def _v2020_111(wb, s):
    sheet = wb.add_worksheet("基础基111")
    for col in range(12):
        sheet.write_string(0, col, xl_col_to_name(col))
    for row in range(1, 36):
        sheet.write_number(row, 0, row)
    sheet.write_string(1, 1, "基础教育学校（机构）统计调查表")
    sheet.write_string(2, 1, "基础基111")
    cells = {"B6": "学校标识码", "D6": "学校（机构）名称", "B7": s["school_code"], "D7": s["school_name"],
             "D9": "学校地址", "G9": "所在地城乡类型", "H9": "属地管理教育行政部门", "D10": "清溪县城关镇解放路 1 号",
             "G10": {"城区": "主城区", "镇区": "镇中心区", "乡村": "村庄"}[s["area_type"]],
             "G11": {"城区": "111", "镇区": "121", "乡村": "220"}[s["area_type"]],
             "H10": f"浙江省清江市{s['county_name']}教育局", "H11": f"{s['county_code']}000000",
             "D11": f"{s['county_code']}123204", "D13": "办学类型", "E13": "举办者", "D14": TYPE_NAME[s["school_type"]],
             "E14": "民办" if s["ownership"] == "民办" else "地方教育部门",
             "D15": {"小学": "211", "初中": "311", "九年一贯制学校": "312", "完全中学": "341", "十二年一贯制学校": "345"}[
                 s["school_type"]], "E15": "999" if s["ownership"] == "民办" else "821",
             "H13": "规定年制", "H14": "6", "I13": "规定入学年龄", "I14": "6"}
    for ref, value in cells.items():
        sheet.write_string(ref, value)


def _v2020_112(wb, s):
    """A list table without a 甲/乙 row: 项目 | 编号 | 内容 | 单位 | 备注 in row 4, 编号 n in row n + 4."""
    sheet = wb.add_worksheet("基础基112")
    for col in range(6):
        sheet.write_string(0, col, xl_col_to_name(col))
    for row in range(1, 45):
        sheet.write_number(row, 0, row)
    sheet.write_string(1, 1, "学校（机构）基本情况续表")
    sheet.write_string(2, 1, "基础基112")
    for col, head in enumerate(("项目", "编号", "内容", "单位", "备注"), start=1):
        sheet.write_string(3, col, head)
    items = {5: ("体育运动场（馆）面积是否达标", "是", ""), 6: ("体育器械配备是否达标", "是", ""),
             12: ("建立校园网", "是", ""), 14: ("出口带宽", "100", "Mbps"),
             26: ("县级及以上骨干教师（小学）", s.get("primary_key_teachers", 0), "人"),
             27: ("县级及以上骨干教师（初中）", s.get("junior_key_teachers", 0), "人"),
             28: ("县级及以上骨干教师（高中）", 1 if s["school_type"] == "完全中学" else 0, "人"),
             30: ("心理健康教育教师", 2, "人"), 31: ("其中：专职", 1, "人")}
    for number in range(1, 38):
        label, value, unit = items.get(number, (f"其他项目{number}", "", ""))
        row = number + 3
        sheet.write_string(row, 1, label)
        sheet.write_string(row, 2, f"{number:02d}")
        if isinstance(value, int):
            sheet.write_number(row, 3, value)
        elif value:
            sheet.write_string(row, 3, value)
        if unit:
            sheet.write_string(row, 4, unit)


def _v2020_422(wb, s, stages):
    rows = []
    paths = [("合计",), ("其中：女",), ("24岁及以下",), ("25-29岁",), ("30岁及以上",)]
    for stage, zh, first in (("primary", "小学", 1), ("junior", "初中", 10)):
        teachers = s.get(f"{stage}_teachers", 0) if stage in stages else 0
        senior = s.get(f"{stage}_senior_title_teachers", 0) if stage in stages else 0
        titles = [1 if senior else 0, senior // 2, senior - senior // 2 - (1 if senior else 0)]
        block = [(zh, teachers), ("#女", teachers // 2), ("#少数民族", 0), ("正高级", titles[0]), ("副高级", titles[1]),
                 ("中级", titles[2]), ("助理级", teachers - senior), ("员级", 0), ("未定职级", 0)]
        rows += [(label, f"{first + i:02d}", [n, n // 2, 0, 0, n]) for i, (label, n) in enumerate(block)]
    write_table(wb, "基础基422", "中小学专任教师分专业技术职务、分年龄情况", "基础基422", "人", paths, rows, Shape(True))


def _v2020_512_rows(s):
    teaching, indoor = s["teaching_area"], s["indoor_sports_area"]
    rooms = ["教室", "实验室", "图书室", "微机室", "语音室"]
    rest = teaching - indoor
    shares = [rest - 4 * 50, 50, 50, 50, 50]
    total = teaching + 800 + 1200
    def r(label, code, value):
        return (label, code, [value, value, 0, 0, 0, 0, 0])
    return ([r("总计", "01", total), r("其中：危房", "02", 0), r("当年新增校舍", "03", 0),
             r("一、教学及辅助用房", "04", teaching)]
            + [r(name, f"{5 + i:02d}", v) for i, (name, v) in enumerate(zip(rooms, shares, strict=False))]
            + [r("体育馆", "10", indoor), r("二、行政办公用房", "11", 800), r("其中：教师办公室", "12", 500),
               r("三、生活用房", "13", 1200), r("四、其他用房", "20", 0)])


_V2020_522_PATHS = [("占地面积（平方米）", "计"), ("占地面积（平方米）", "其中：绿化用地面积"),
                    ("占地面积（平方米）", "其中：运动场地面积"), ("图书（册）",), ("电子图书（册）",), ("数字资源量（GB）",),
                    ("计算机（台）", "计"), ("计算机（台）", "其中：教学用计算机"), ("计算机（台）", "其中：平板电脑"),
                    ("教室（间）", "计"), ("教室（间）", "其中：网络多媒体教室"), ("教学仪器设备资产值（万元）",)]


def _v2020_522_values(s):
    return [s["sports_field_area"] * 3, 2000, s["sports_field_area"], s["books"], 500, 20, s["computers"],
            s["computers"] - 10, 5, s["multimedia_rooms"] + 2, s["multimedia_rooms"], s["equipment_value"] / 10_000]


# ── V2021 教基 ──────────────────────────────────────────────────────────────────────────────

V2021_SUBJECTS_PRIMARY = ["道德与法治", "语文", "数学", "科学", "外语", "其中：英语", "综合实践活动", "体育", "劳动",
                          "音乐", "美术", "艺术", "信息技术", "其他"]  # C 合计; 体育 L, 音乐 N, 美术 O, 艺术 P (lexcel)
V2021_SUBJECTS_SECONDARY = ["道德与法治", "语文", "数学", "外语", "其中：英语", "历史", "地理", "物理", "化学", "生物学",
                            "科学", "历史与社会", "信息技术", "通用技术", "综合实践活动", "劳动", "体育与健康",
                            "音乐", "美术", "艺术", "其他"]  # C 合计; 体育与健康 U, 音乐 V, 美术 W, 艺术 X (lexcel)


def write_v2021(path: Path, s: dict, *, suffix: bool = True, arts_group: bool = False, drop: tuple[str, ...] = (),
                rename: dict[str, str] | None = None, shuffle: int | None = None) -> Path:
    """One school's 教基 export; ``suffix`` names sheets ``教基NNNN_<办学类型>``; ``arts_group`` heads the
    arts columns 艺术 / 计, 音乐, 美术 (a subtotal over its parts) instead of side by side; ``shuffle`` (a
    seed) puts the rows of the list tables 1102续 and 5176 in another order."""
    import random

    reorder = random.Random(shuffle).shuffle if shuffle is not None else (lambda rows: None)
    shape = Shape(False)
    stages = STAGES[s["school_type"]]
    kind = TYPE_NAME[s["school_type"]]
    wb = xlsxwriter.Workbook(str(path))

    def name(code):
        base = f"教基{code}"
        name = f"{base}_{kind}" if suffix else base
        return (rename or {}).get(code, name)

    def table(code, title, unit, paths, rows, **kw):
        if code not in drop:
            write_table(wb, name(code), f"{title}（{s['year']}/{s['year'] + 1}学年初）", f"教基{code}", unit, paths,
                        rows, shape, **kw)

    if "1001" not in drop:
        _v2021_1001(wb, name("1001"), s, kind)
    key_rows = [("心理健康教育教师", "01", ["人", 2]), ("其中：专职", "02", ["人", 1])]
    key_rows += [(f"其他项目{i}", f"{i:02d}", ["", None]) for i in range(3, 8)]
    for stage, zh in (("primary", "小学"), ("junior", "初中"), ("senior", "高中")):
        if stage in stages:
            key_rows.append((f"县级以上骨干教师({zh})", f"{len(key_rows) + 1:02d}",
                             ["人", s.get(f"{stage}_key_teachers", 1)]))
    reorder(key_rows)
    table("1102续", "学校(机构)基本情况续表", "见计量单位", [("计量单位",), ("数量",)], key_rows, marks=("丙", "1"))
    if "primary" in stages:
        table("2106", "小学班级数、班额情况", "个", [("合计",)] + [(g,) for g in ("一年级", "二年级", "三年级", "四年级",
                                                                                   "五年级", "六年级")],
              [("总计", "01", [s["primary_classes"]] + spread(s["primary_classes"], 6))]
              + [(b, f"{i + 2:02d}", [s["primary_classes"]] + spread(s["primary_classes"], 6) if b == "41-45人"
                  else [0] * 7) for i, b in enumerate(_BANDS)])
        table("3112", "小学分类型学生数", "人",
              [("毕业生数",), ("招生数",), ("招生数中", "未接受过学前教育"), ("招生数中", "接受过一年"),
               ("招生数中", "接受过两年"), ("招生数中", "接受过三年"), ("在校生数", "计"), ("在校生数", "#女")]
              + [("在校生数", g) for g in ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")] + [("预计毕业生数",)],
              _v2021_student_rows(s["primary_students"], 15, 6, s.get("migrant_students_primary", 0)))
        subjects = V2021_SUBJECTS_PRIMARY
        paths, pe = _subject_paths(subjects, arts_group)
        rows = _teacher_rows(s, "primary", subjects, ("体育", "音乐", "美术", "艺术"),
                             ("博士研究生", "硕士研究生", "本科", "专科"), block=False)
        table("4155", "小学专任教师分课程、分学历情况", "人", paths,
              [(label, code, _arts_values(values, subjects, arts_group)) for label, code, values in rows])
    if "junior" in stages:
        table("2107", "初中班级数、班额情况", "个", [("合计",), ("一年级",), ("二年级",), ("三年级",)],
              [("总计", "01", [s["junior_classes"]] + spread(s["junior_classes"], 3))]
              + [(b, f"{i + 2:02d}", [s["junior_classes"]] + spread(s["junior_classes"], 3) if b == "46-50人"
                  else [0] * 4) for i, b in enumerate(_BANDS)])
        table("3115", "初中分类型学生数", "人",
              [("毕业生数",), ("招生数",), ("在校生数",), ("#女",), ("一年级",), ("二年级",), ("三年级",), ("预计毕业生数",)],
              _v2021_student_rows(s["junior_students"], 5, 3, s.get("migrant_students_junior", 0), lead=2),
              header_top=3)
        subjects = V2021_SUBJECTS_SECONDARY
        paths, _ = _subject_paths(subjects, arts_group)
        rows = _secondary_teacher_rows(s, stages, subjects, ("体育与健康", "音乐", "美术", "艺术"),
                                       ("博士研究生", "硕士研究生", "本科", "专科"))
        table("4156", "中学专任教师分课程、分学历情况", "人", paths,
              [(label, code, _arts_values(values, subjects, arts_group)) for label, code, values in rows])
    if "senior" in stages:
        table("3118", "普通高中分类型学生数", "人", [("毕业生数",), ("招生数",), ("在校生数",), ("#女",)],
              [("总计", "01", [0, 0, s["senior_students"], s["senior_students"] // 2])], header_top=3)
    title_rows = []
    for stage, zh in (("primary", "小学"), ("junior", "初中")):
        teachers = s.get(f"{stage}_teachers", 0) if stage in stages else 0
        senior = s.get(f"{stage}_senior_title_teachers", 0) if stage in stages else 0
        titles = [1 if senior else 0, senior // 2, senior - senior // 2 - (1 if senior else 0)]
        block = [(zh, teachers), ("#女", teachers // 2), ("#少数民族", 0), ("正高级", titles[0]), ("副高级", titles[1]),
                 ("中级", titles[2]), ("助理级", teachers - senior), ("员级", 0), ("未定职级", 0)]
        title_rows += [(label, f"{len(title_rows) + i + 1:02d}", [n, n // 2, n]) for i, (label, n) in enumerate(block)]
    table("4153", "基础教育学校专任教师分年龄情况", "人", [("合计",), ("#女",), ("30岁及以上",)], title_rows)
    teaching, indoor = s["teaching_area"], s["indoor_sports_area"]
    rest = teaching - indoor
    building = [("总计", teaching + 2000), ("#学校产权校舍", teaching + 2000), ("#非学校产权校舍", 0), ("#危房", 0),
                ("一、教学及辅助用房", teaching), ("教室", rest - 300), ("专用教室", 100), ("理化生实验室", 100),
                ("其他", 0), ("公共教学用房", 100), ("图书阅览室", 0), ("室内体育用房", indoor), ("心理辅导室", 0),
                ("其他", 0), ("二、行政办公用房", 800), ("三、生活用房", 1200)]
    table("5170", "学校校舍情况", "平方米",
          [("上学年末校舍建筑面积",), ("本学年增加",), ("本学年减少",), ("本学年校舍建筑面积",), ("其中：租借",)],
          [(label, f"{i + 1:02d}", [value - 10, 10, 0, value, 0]) for i, (label, value) in enumerate(building)],
          header_top=3)
    conditions = [("占地面积", "平方米", s["sports_field_area"] * 3), ("其中：绿化用地面积", "平方米", 2000),
                  ("其中：运动场地面积", "平方米", s["sports_field_area"]), ("数字资源量", "GB", 20),
                  ("其中：电子图书", "册", 500), ("其中：音视频", "小时", 30), ("图书馆面积", "平方米", 200),
                  ("图书", "册", s["books"]), ("计算机台数", "台", s["computers"]), ("其中：教学用计算机", "台", s["computers"] - 10),
                  ("其中：平板电脑", "台", 5), ("教室", "间", s["multimedia_rooms"] + 2),
                  ("其中：网络多媒体教室", "间", s["multimedia_rooms"]), ("固定资产总值", "万元", 900),
                  ("其中：教学仪器设备资产值", "万元", s["equipment_value"] / 10_000)]
    reorder(conditions)
    table("5176", "学校占地面积及其他办学条件", "见计量单位", [("计量单位",), ("数量",)],
          [(label, f"{i + 1:02d}", [unit, value]) for i, (label, unit, value) in enumerate(conditions)],
          marks=("丙", "1"))
    wb.close()
    return path


def _subject_paths(subjects, arts_group):
    paths = [("合计",), ("#女",)]
    for c in subjects:
        if arts_group and c in ("音乐", "美术"):
            paths.append(("按授课课程分", "艺术", c))
        elif arts_group and c == "艺术":
            paths.append(("按授课课程分", "艺术", "计"))
        else:
            paths.append(("按授课课程分", c))
    if arts_group:  # 计 first, then 音乐, 美术
        arts = [p for p in paths if len(p) == 3]
        rest = [p for p in paths if len(p) != 3]
        at = next(i for i, p in enumerate(paths) if len(p) == 3)
        paths = rest[:at] + sorted(arts, key=lambda p: p[2] != "计") + rest[at:]
    return paths, None


def _arts_values(values, subjects, arts_group):
    """With an 艺术 group the 计 column holds 音乐 + 美术 + 艺术, the parts stay; order as the paths."""
    if not arts_group:
        return values
    head, by_subject = values[:2], dict(zip(subjects, values[2:], strict=False))
    if any(v is None for v in values[2:]):
        return values
    out = list(head)
    arts_done = False
    for c in subjects:
        if c in ("音乐", "美术", "艺术"):
            if not arts_done:
                out += [by_subject["音乐"] + by_subject["美术"] + by_subject["艺术"], by_subject["音乐"], by_subject["美术"]]
                arts_done = True
            continue
        out.append(by_subject[c])
    return out


def _v2021_student_rows(total, width, grades, migrant, lead=6):
    if lead == 6:
        values = [total // 6, total // 6, 0, 0, 0, total // 6, total, total // 2] + spread(total, grades) + [total // 6]
    else:
        values = [total // 3, total // 3, total, total // 2] + spread(total, grades) + [total // 3]
    def row(label, code, factor):
        return (label, code, [v * factor if isinstance(v, int) else v for v in values])
    where = 6 if lead == 6 else 2
    migrant_row = [0] * len(values)
    migrant_row[where] = migrant
    return [row("总计", "01", 1), ("#女", "02", [v // 2 for v in values]), row("#少数民族", "03", 0),
            row("#复式班", "04", 0), row("#寄宿生", "05", 0), ("#随迁子女", "06", migrant_row),
            ("外省迁入", "07", migrant_row), ("本省外县迁入", "08", [0] * len(values)),
            ("#进城务工人员随迁子女", "09", migrant_row), ("外省迁入", "10", migrant_row),
            ("本省外县迁入", "11", [0] * len(values)), row("#农村留守儿童", "12", 0)]


def _v2021_1001(wb, name, s, kind):
    sheet = wb.add_worksheet(name)
    sheet.write_string(0, 0, f"学校(机构)基本情况（{s['year']}/{s['year'] + 1}学年初）")
    sheet.write_string(1, 0, "教基1001")
    labels = {3: ("学校标识码", s["school_code"]), 4: ("学校(机构)名称", s["school_name"]),
              5: ("学校(机构)英文名称", ""), 8: ("学校地址", "清溪县城关镇解放路 1 号"),
              14: ("所在地城乡类型", {"城区": "111 主城区", "镇区": "121 镇中心区", "乡村": "220 村庄"}[s["area_type"]]),
              15: ("属地管理教育行政部门", f"浙江省清江市{s['county_name']}教育局"),
              16: ("属地管理教育行政部门代码", f"{s['county_code']}000000"),
              25: ("办学类型", kind), 26: ("举办者", "民办" if s["ownership"] == "民办" else "地方教育部门")}
    for row, (label, value) in labels.items():
        sheet.write_string(row - 1, 0, label)
        if value:
            sheet.write_string(row - 1, 2, value)


# ── the county flat export ─────────────────────────────────────────────────────────────────


def write_flat(path: Path, schools: list[dict], stage: str, year: int = 2021) -> Path:
    """One 学段's county flat export: one row per school that has the stage, multi-row merged header."""
    zh = {"primary": "小学", "junior": "初中", "senior": "高中"}[stage]
    degrees = ("博士研究生", "硕士研究生", "本科", "专科")
    paths = [("学校标识码",), ("统计三级",), ("办学类型",), ("是否计校数",), ("在校生数", "合计"), ("班级数",),
             ("专任教师", "计")] + [("专任教师", "#按学历分", d) for d in degrees] + [
        ("专任教师", "#按授课课程分", "语文"), ("专任教师", "#按授课课程分", "体育与健康"),
        ("专任教师", "#按授课课程分", "艺术", "计"), ("专任教师", "#按授课课程分", "艺术", "音乐"),
        ("专任教师", "#按授课课程分", "艺术", "美术"), ("教基1102", "县级以上骨干教师(小学)"),
        ("教基1102", "县级以上骨干教师(初中)"), ("本学年校舍建筑面积", "教学及辅助用房", "计"),
        ("本学年校舍建筑面积", "教学及辅助用房", "室内体育用房"),
        ("占地面积及其他办学条件", "占地面积（平方米）", "其中", "运动场地面积"),
        ("占地面积及其他办学条件", "网络多媒体教室"), ("占地面积及其他办学条件", "固定资产总值", "教学仪器设备资产值(万元)")]
    wb = xlsxwriter.Workbook(str(path))
    sheet = wb.add_worksheet("Sheet1")
    fmt = wb.add_format({"border": 1, "text_wrap": True})
    depth = max(len(p) for p in paths)
    sheet.merge_range(0, 0, 0, len(paths), f"{year}年{zh}学校基本情况（县级汇总）", fmt)
    top = 1
    sheet.merge_range(top, 0, top + depth - 1, 0, "学校名称", fmt)
    for level in range(depth):
        col = 0
        while col < len(paths):
            path_ = paths[col]
            if len(path_) <= level:
                col += 1
                continue
            end = col
            while end + 1 < len(paths) and len(paths[end + 1]) > level and paths[end + 1][:level + 1] == path_[:level + 1]:
                end += 1
            bottom = top + depth - 1 if level == len(path_) - 1 else top + level
            _merge(sheet, top + level, 1 + col, bottom, 1 + end, path_[level], fmt)
            col = end + 1
    row = top + depth
    for s in schools:
        if stage not in STAGES[s["school_type"]]:
            continue
        teachers = s[f"{stage}_teachers"]
        above = s.get(f"{stage}_teachers_above_degree", teachers)
        deg = [1, 1, above - 2 - above // 3, above // 3] if stage == "primary" else [1, 1, above - 2, teachers - above]
        pe = s.get(f"{stage}_pe_arts_teachers", 4)
        pe_part = spread(pe, 4)  # 体育, 音乐, 美术, 艺术 (艺术 counted in 计 only)
        values = [s["school_code"], f"浙江省清江市{s['county_name']}", TYPE_NAME[s["school_type"]], 1,
                  s[f"{stage}_students"], s[f"{stage}_classes"], teachers] + deg + [
            teachers - pe, pe_part[0], pe_part[1] + pe_part[2] + pe_part[3], pe_part[1], pe_part[2],
            s.get("primary_key_teachers", 0) if "primary" in STAGES[s["school_type"]] else 0,
            s.get("junior_key_teachers", 0) if "junior" in STAGES[s["school_type"]] else 0,
            s["teaching_area"], s["indoor_sports_area"], s["sports_field_area"], s["multimedia_rooms"],
            s["equipment_value"] / 10_000]
        sheet.write_string(row, 0, s["school_name"])
        for col, value in enumerate(values, start=1):
            if isinstance(value, str):
                sheet.write_string(row, col, value)
            else:
                sheet.write_number(row, col, value)
        row += 1
    wb.close()
    return path
