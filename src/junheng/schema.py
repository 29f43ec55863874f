"""The canonical data fields: one table used by every importer, template, form and export.

Source: ``shared/spec/data.md``. A column may be headed by its canonical id or by its Chinese
header; a unit in brackets in the header is honoured (``教学仪器设备值(万元)`` is × 10,000).
Counts are non-negative integers, areas and money non-negative decimals; a blank optional cell
means "not reported", never zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

# 学段. The JSON contract names them in English; the interface shows the Chinese.
STAGES = ("primary", "junior", "senior")
STAGE_ZH = {"primary": "小学", "junior": "初中", "senior": "高中"}
COMPULSORY_STAGES = ("primary", "junior")

# The four areas of 优质均衡 (the JSON's ``areas``) and the word for a three-valued verdict.
AREA_ZH = {"resource": "资源配置", "government": "政府保障程度", "quality": "教育质量", "recognition": "社会认可度"}


STATUS_ZH = {"met": "达标", "not_met": "未达标", "not_assessed": "未评估", "not_applicable": "不适用"}


def verdict_zh(passed: bool | None, status: str | None = None) -> str:
    """达标 / 未达标 / 未评估 (None: not assessed, data missing) / 不适用 (``status`` not_applicable:
    nothing to assess; it does not block)."""
    if status in STATUS_ZH:
        return STATUS_ZH[status]
    return {True: "达标", False: "未达标"}.get(passed, "未评估")


def outcome_zh(entry: dict | None) -> str:
    """The word for an item, check or area of the evaluation JSON (its ``status``, else its ``pass``)."""
    entry = entry or {}
    return verdict_zh(entry.get("pass"), entry.get("status"))


@dataclass(frozen=True)
class SchoolType:
    label: str
    stages: tuple[str, ...]  # the 学段 whose pupils this kind of school has
    aliases: tuple[str, ...] = ()


SCHOOL_TYPES: tuple[SchoolType, ...] = (
    SchoolType("小学", ("primary",), ("完全小学", "普通小学", "中心小学", "村小", "村小学")),
    SchoolType("初中", ("junior",), ("初级中学", "独立初中", "普通初中")),
    SchoolType("九年一贯制学校", ("primary", "junior"), ("九年一贯制", "九年制学校", "九年一贯")),
    SchoolType("十二年一贯制学校", ("primary", "junior", "senior"), ("十二年一贯制", "十二年一贯")),
    SchoolType("完全中学", ("junior", "senior"), ("完中",)),
    SchoolType("教学点", ("primary",), ("小学教学点", "村教学点")),
    SchoolType("特殊教育学校", (), ("特教学校", "特殊教育", "特殊学校")),
    SchoolType("职业学校", (), ("职业中学", "中等职业学校", "职高", "职业高中")),
)
SCHOOL_TYPE_BY_LABEL = {t.label: t for t in SCHOOL_TYPES}


@dataclass(frozen=True)
class Field:
    id: str
    header: str  # 中文表头, without the unit
    type: str  # int | decimal | text | code | enum | bool | level
    required: str = "no"  # yes | stage (each stage the school type has) | no
    unit: str = ""  # 人, 个, ㎡, 元, % … shown in brackets in the template header
    stage: str | None = None  # the 学段 a stage-required field belongs to
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # variant → canonical choice
    help: str = ""  # the statistical definition, shown as a header comment
    digits: int | None = None  # exact length for codes

    @property
    def display_header(self) -> str:
        """The header as the template writes it: 中文表头(单位)."""
        return f"{self.header}({self.unit})" if self.unit and self.unit not in ("是/否",) else self.header


@dataclass(frozen=True)
class Table:
    id: str
    sheet: str  # sheet name in a workbook, also accepted as a CSV file name
    fields: tuple[Field, ...]
    help: str = ""
    sheet_aliases: tuple[str, ...] = ()  # other names a renamed sheet may contain (folded: no spaces)

    def field(self, field_id: str) -> Field:
        return self._by_id[field_id]

    @property
    def _by_id(self) -> dict[str, Field]:
        return {f.id: f for f in self.fields}

    @property
    def required_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields if f.required == "yes")


BOOL_TRUE = ("是", "有", "y", "yes", "true", "1", "√", "✓", "t")
BOOL_FALSE = ("否", "无", "n", "no", "false", "0", "×", "✗", "f")
LEVELS = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "一级": 1, "二级": 2, "三级": 3, "四级": 4}
LEVEL_LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")


def _school_type_aliases() -> dict[str, str]:
    return {a: t.label for t in SCHOOL_TYPES for a in t.aliases}


def _stage_fields(stage: str) -> tuple[Field, ...]:
    zh = STAGE_ZH[stage]
    degree = "专科及以上学历" if stage == "primary" else "本科及以上学历"
    return (
        Field(f"{stage}_teachers", f"{zh}专任教师数", "int", "stage", "人", stage,
              help=f"{zh}学段专任教师数（教育统计口径）"),
        Field(f"{stage}_teachers_above_degree", f"{zh}{degree}专任教师数", "int", "stage", "人", stage,
              help=f"高于规定学历：{zh}为{degree}（优质均衡 L1，基本均衡 B7）"),
        Field(f"{stage}_key_teachers", f"{zh}县级及以上骨干教师数", "int", "stage", "人", stage,
              help="县级及以上教育行政部门认定的骨干教师（L2）"),
        Field(f"{stage}_pe_arts_teachers", f"{zh}体育艺术专任教师数", "int", "stage", "人", stage,
              help="任教学科为体育、音乐、美术或艺术的专任教师（L3）"),
        Field(f"{stage}_senior_title_teachers", f"{zh}中级及以上职称专任教师数", "int", "no", "人", stage,
              help="中级及以上专业技术职务专任教师（基本均衡 B8）"),
    )


SCHOOLS = Table("schools", "学校", (
    Field("year", "年度", "int", "yes", help="学年起始年份，如 2024"),
    Field("county_code", "县(区)代码", "code", "no", digits=6, help="6 位行政区划代码"),
    Field("county_name", "县(区)", "text", "yes"),
    Field("school_code", "学校标识码", "code", "yes", help="全国教育统计 10 位学校标识码，按文本保存（保留前导 0）"),
    Field("school_name", "学校名称", "text", "yes"),
    Field("school_type", "学校类型", "enum", "yes", choices=tuple(t.label for t in SCHOOL_TYPES),
          aliases=_school_type_aliases()),
    Field("ownership", "办学性质", "enum", "yes", choices=("公办", "民办"),
          aliases={"公立": "公办", "民营": "民办", "私立": "民办"}),
    Field("area_type", "城乡类型", "enum", "no", choices=("城区", "镇区", "乡村"),
          aliases={"城市": "城区", "县城": "城区", "镇": "镇区", "农村": "乡村", "乡镇": "镇区"}),
    Field("boarding", "是否寄宿制", "bool", "no", unit="是/否"),
    Field("built_year", "建成年份", "int", "no", help="用于 2019 年《工作规程》过渡性放宽条件"),
    Field("primary_students", "小学在校生数", "int", "stage", "人", "primary"),
    Field("junior_students", "初中在校生数", "int", "stage", "人", "junior"),
    Field("senior_students", "高中在校生数", "int", "stage", "人", "senior", help="完全中学、十二年一贯制学校填写"),
    Field("migrant_students", "随迁子女在校生数", "int", "no", "人"),
    Field("primary_classes", "小学班级数", "int", "stage", "个", "primary"),
    Field("junior_classes", "初中班级数", "int", "stage", "个", "junior"),
    Field("primary_max_class_size", "小学最大班额", "int", "no", "人", "primary", help="G5：小学班额不超过 45 人"),
    Field("junior_max_class_size", "初中最大班额", "int", "no", "人", "junior", help="G5：初中班额不超过 50 人"),
    *_stage_fields("primary"),
    *_stage_fields("junior"),
    Field("certified_teachers", "持教师资格证专任教师数", "int", "no", "人",
          help="义务教育阶段（小学、初中）专任教师中持教师资格证的人数，不含完全中学、十二年一贯制学校的高中教师（G12）"),
    Field("teaching_area", "教学及辅助用房面积", "decimal", "yes", "㎡",
          help="全校教学及辅助用房面积（教育统计口径，含室内体育用房）（L4，B1）"),
    Field("indoor_sports_area", "其中室内体育用房面积", "decimal", "no", "㎡", help="体育馆等室内体育用房面积"),
    Field("sports_field_area", "运动场地面积", "decimal", "yes", "㎡",
          help="体育运动场馆面积 = 室内体育用房面积 + 运动场地面积（L5，B2）"),
    Field("equipment_value", "教学仪器设备值", "decimal", "yes", "元",
          help="全校教学仪器设备资产值；表头写“(万元)”时按万元填写（L6，B3）"),
    Field("multimedia_rooms", "网络多媒体教室数", "int", "yes", "间", help="全校（L7）"),
    Field("computers", "计算机台数", "int", "no", "台", help="基本均衡 B4"),
    Field("books", "图书册数", "int", "no", "册", help="基本均衡 B5"),
    Field("public_funds_budget", "年度公用经费预算", "decimal", "no", "元", help="Q4"),
    Field("training_funds", "教师培训经费", "decimal", "no", "元", help="Q4：不低于公用经费预算的 5%"),
    Field("public_funds_allocated", "核定公用经费", "decimal", "no", "元", help="G6：不足 100 人按 100 人核定"),
), help="每所学校（校区）每年一行", sheet_aliases=("学校数据", "学校基本情况"))

ROOMS = Table("rooms", "专用教室", (
    Field("year", "年度", "int", "yes"),
    Field("school_code", "学校标识码", "code", "yes", help="须在“学校”表中存在"),
    Field("room_type", "教室类型", "enum", "yes", choices=("音乐", "美术"),
          aliases={"音乐教室": "音乐", "美术教室": "美术"}),
    Field("area", "使用面积", "decimal", "yes", "㎡"),
    Field("room_name", "教室名称/编号", "text", "no", help="如“音乐教室1”“302”；用于区分面积相同的教室，不参与测算"),
), help="每间音乐、美术专用教室一行（G3）", sheet_aliases=("音乐美术教室", "功能教室"))


def _yes_no(field_id: str, header: str, help_: str = "") -> Field:
    return Field(field_id, header, "bool", "no", unit="是/否", help=help_)


def _count(field_id: str, header: str, unit: str = "人", help_: str = "") -> Field:
    return Field(field_id, header, "int", "no", unit, help=help_)


def _money(field_id: str, header: str, help_: str = "") -> Field:
    return Field(field_id, header, "decimal", "no", "元", help=help_)


COUNTY = Table("county", "县级指标", (
    Field("year", "年度", "int", "yes"),
    Field("county_code", "县(区)代码", "code", "no", digits=6),
    Field("county_name", "县(区)", "text", "yes"),
    Field("basic_balance_year", "基本均衡认定年份", "int", "no", help="申请优质均衡须在基本均衡认定三年以上"),
    _yes_no("layout_ok", "规划布局合理", "G1"),
    _yes_no("standards_unified", "四统一", "G2：城乡学校建设标准、教师编制标准、生均公用经费基准定额、基本装备配置标准统一"),
    _yes_no("staffing_unified", "编制岗位统筹", "G10"),
    _money("per_pupil_norm_primary", "小学生均公用经费基准定额", "G6"),
    _money("per_pupil_norm_junior", "初中生均公用经费基准定额", "G6"),
    _money("special_school_funds", "特殊教育学校公用经费", "G7"),
    _count("special_school_students", "特殊教育学校学生数", help_="G7"),
    _money("teacher_avg_pay", "教师年平均工资", "G8"),
    _money("civil_servant_avg_pay", "公务员年平均工资", "G8"),
    _count("teachers_total", "专任教师总数", help_="G9、G12"),
    _count("teachers_trained_360h", "5年完成360学时人数", help_="G9"),
    _count("exchange_eligible", "符合交流条件教师数", help_="G11"),
    _count("exchanged", "交流轮岗教师数", help_="G11"),
    _count("exchanged_key", "其中骨干教师数", help_="G11：交流轮岗教师中的骨干教师"),
    _count("certified_teachers_total", "持证专任教师数", help_="G12（未按学校汇总时）"),
    _count("zoned_primary_students", "城镇公办非寄宿小学在校生数", help_="G13"),
    _count("zoned_primary_in_zone", "其中小学就近划片入学数", help_="G13"),
    _count("zoned_junior_students", "城镇公办非寄宿初中在校生数", help_="G13"),
    _count("zoned_junior_in_zone", "其中初中就近划片入学数", help_="G13"),
    _count("quality_hs_plan", "优质高中招生计划数", help_="G14"),
    _count("quality_hs_allocated", "分配到校名额数", help_="G14"),
    _count("migrant_eligible", "符合条件随迁子女数", help_="G15"),
    _count("migrant_public", "公办学校就读随迁子女数", help_="G15"),
    _count("migrant_purchased", "购买服务民办学校就读随迁子女数", help_="G15"),
    _count("q1_graduates", "初中毕业生数", help_="Q1 巩固率"),
    _count("q1_transfer_in", "三年内转入学生数", help_="Q1 巩固率"),
    _count("q1_transfer_out", "三年内转出学生数", help_="Q1 巩固率"),
    _count("q1_grade7_intake", "三年前初一入学数", help_="Q1 巩固率"),
    _count("q1_deaths", "三年内死亡学生数", help_="Q1 巩固率"),
    _count("disabled_school_age", "适龄残疾儿童少年数", help_="Q2"),
    _count("disabled_enrolled", "残疾儿童少年入学数", help_="Q2"),
    _yes_no("charter_it_ok", "学校章程与管理教学信息化", "Q3"),
    _yes_no("it_teaching_ok", "教师熟练运用信息化手段", "Q5"),
    _yes_no("moral_culture_ok", "德育与校园文化良好以上", "Q6"),
    _yes_no("curriculum_ok", "课程开齐开足", "Q7"),
    _yes_no("no_overload", "无过重课业负担", "Q8"),
    Field("recognition_rate", "社会认可度", "decimal", "no", "%", help="S1：达到 85% 以上"),
    _count("survey_questionnaires", "问卷总数", "份", "表Ⅵ：社会认可度调查收回的问卷（含无效）"),
    _count("survey_valid", "有效问卷数", "份", "表Ⅵ"),
    _count("survey_satisfied", "满意问卷数", "份", "表Ⅵ"),
    _count("survey_visited", "实地走访人数", "人", "表Ⅵ：督导实地走访的群众"),
    _count("survey_visit_satisfied", "走访满意人数", "人", "表Ⅵ"),
    _yes_no("veto_exam_admission", "以考试方式招生", "V1：是 = 存在该问题（一票否决）"),
    _yes_no("veto_school_choice", "违规择校", "V2：是 = 存在该问题（一票否决）"),
    _yes_no("veto_key_schools", "设置重点学校或重点班", "V3：是 = 存在该问题（一票否决）"),
    _yes_no("veto_unfilled_posts", "有编不补或长期聘用编外教师", "V4：是 = 存在该问题（一票否决）"),
    _yes_no("veto_major_incident", "重大安全责任事故或严重违纪违规事件", "V5：是 = 存在该问题（一票否决）"),
    _yes_no("veto_fraud", "弄虚作假", "V6：是 = 存在该问题（一票否决）"),
), help="每个县每年一行", sheet_aliases=("县级数据", "县域指标", "政府保障"))

SUBJECTS = ("语文", "数学", "科学", "体育", "艺术", "德育")

MONITORING = Table("monitoring", "质量监测", (
    Field("year", "年度", "int", "yes"),
    Field("county_code", "县(区)代码", "code", "no", digits=6),
    Field("county_name", "县(区)", "text", "yes"),
    Field("subject", "科目", "enum", "yes", choices=SUBJECTS),
    Field("level", "学业水平", "level", "yes", choices=LEVEL_LABELS, help="Ⅰ–Ⅳ（也可写 I–IV、1–4）"),
    Field("school_gap_rate", "校际差异率", "decimal", "yes", help="Q9：学业水平达到Ⅲ级以上且校际差异率低于 0.15"),
), help="国家义务教育质量监测结果，每县每年每科一行", sheet_aliases=("监测结果",))

# The fill-in template's own guide sheet: not data, never reported as unused.
GUIDE_SHEET = "填表说明"

TABLES: dict[str, Table] = {t.id: t for t in (SCHOOLS, ROOMS, COUNTY, MONITORING)}

# Other headers that clerks, older templates and the statistics system write for a field. Headers
# are compared folded (junheng.io.headers.fold): full/half-width, brackets, spaces, ``*``, case,
# a unit in brackets, a leading ``其中`` (``其中:室内体育用房面积``), ``人数`` for ``数`` and a
# missing final ``数`` already match without an entry here. Keys are field ids (shared ids such
# as ``year`` apply in every table that has the field).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("学年", "统计年度", "年份", "学年度"),
    "county_code": ("县区代码", "区县代码", "县(市、区)代码", "县(市区)代码", "行政区划代码", "县级行政区划代码"),
    "county_name": ("县区", "区县", "县(市、区)", "县(市区)", "县(市)", "县区名称", "县(区)名称", "所在县(区)"),
    "school_code": ("学校代码", "学校标识", "学校识别码", "学校编码", "学校编号"),
    "school_name": ("学校", "校名", "学校全称", "单位名称"),
    "school_type": ("学校类别", "办学类型", "学校办别"),
    "ownership": ("公办/民办", "公办民办", "办学类别"),
    "area_type": ("城乡分类", "城乡属性", "所在地城乡类型", "城乡"),
    "boarding": ("寄宿制", "是否寄宿", "寄宿制学校", "是否寄宿制学校"),
    "built_year": ("建校年份", "建成时间", "建成年度", "新建年份"),
    "primary_students": ("小学学生数", "小学在校学生数"),
    "junior_students": ("初中学生数", "初中在校学生数"),
    "senior_students": ("高中学生数", "高中在校学生数"),
    "migrant_students": ("随迁子女数", "进城务工人员随迁子女在校生数", "随迁子女在校学生数"),
    "primary_classes": ("小学班数", "小学教学班数"),
    "junior_classes": ("初中班数", "初中教学班数"),
    "primary_max_class_size": ("小学最大班级人数", "小学最大班额人数"),
    "junior_max_class_size": ("初中最大班级人数", "初中最大班额人数"),
    "primary_teachers": ("小学专任教师",),
    "junior_teachers": ("初中专任教师",),
    "primary_teachers_above_degree": ("小学高于规定学历专任教师数", "小学高于规定学历教师数", "小学专科及以上学历教师数"),
    "junior_teachers_above_degree": ("初中高于规定学历专任教师数", "初中高于规定学历教师数", "初中本科及以上学历教师数"),
    "primary_key_teachers": ("小学骨干教师数", "小学县级以上骨干教师数"),
    "junior_key_teachers": ("初中骨干教师数", "初中县级以上骨干教师数"),
    "primary_pe_arts_teachers": ("小学体育艺术教师数", "小学体育、艺术专任教师数", "小学体育艺术(美术、音乐)专任教师数"),
    "junior_pe_arts_teachers": ("初中体育艺术教师数", "初中体育、艺术专任教师数", "初中体育艺术(美术、音乐)专任教师数"),
    "primary_senior_title_teachers": ("小学中级及以上职称教师数", "小学中级以上职称专任教师数"),
    "junior_senior_title_teachers": ("初中中级及以上职称教师数", "初中中级以上职称专任教师数"),
    "certified_teachers": ("持证专任教师数", "具有教师资格证专任教师数", "持有教师资格证专任教师数"),
    "teaching_area": ("教学及辅助用房", "教学辅助用房面积", "教学及教学辅助用房面积", "教学及辅助用房建筑面积"),
    "indoor_sports_area": ("室内体育馆面积", "体育馆面积", "室内体育场馆面积", "室内体育用房"),
    "sports_field_area": ("运动场面积", "体育运动场地面积", "室外运动场地面积", "运动场地"),
    "equipment_value": ("教学仪器设备资产值", "教学仪器设备总值", "教学仪器设备资产总值", "仪器设备值"),
    "multimedia_rooms": ("多媒体教室数", "网络多媒体教室间数"),
    "computers": ("计算机数", "教学用计算机台数", "电脑台数"),
    "books": ("图书", "图书藏量", "藏书册数", "藏书量", "图书藏书量"),
    "public_funds_budget": ("公用经费预算", "年度公用经费预算总额", "公用经费预算总额"),
    "training_funds": ("教师培训经费支出", "培训经费"),
    "public_funds_allocated": ("核定公用经费额", "核定的公用经费"),
    "room_type": ("教室类别", "专用教室类型", "类型"),
    "area": ("面积", "教室面积", "使用面积(平方米)"),
    "room_name": ("教室名称", "教室编号", "名称", "编号"),
    "recognition_rate": ("社会认可度调查结果", "社会认可度得分"),
    "subject": ("学科", "监测科目"),
    "level": ("学业水平等级", "等级"),
    "school_gap_rate": ("校际差异", "差异率"),
}

# Per-pupil bounds (low, high) outside which a school's figure is taken for a slip of unit (万元
# typed under a 元 header gives 0.25 元 per pupil) and named in a notice; the data is still used.
# The standard asks 2,000–2,500 元, 4.5–5.8 ㎡ and 7.5–10.2 ㎡ per pupil (L4–L6); the bounds sit far
# outside what any real school reports.
PLAUSIBLE_PER_PUPIL: dict[str, tuple[Decimal, Decimal]] = {
    "equipment_value": (Decimal(10), Decimal(1_000_000)),
    "teaching_area": (Decimal("0.2"), Decimal(1_000)),
    "sports_field_area": (Decimal("0.1"), Decimal(10_000)),
}

# Units written in a header that scale the number typed into canonical units.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1), "万元": Decimal(10_000), "千元": Decimal(1_000), "亿元": Decimal(100_000_000),
    "㎡": Decimal(1), "m²": Decimal(1), "m2": Decimal(1), "平方米": Decimal(1), "平米": Decimal(1),
}

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)\s*$")


def split_header(header: str) -> tuple[str, str]:
    """Split ``教学仪器设备值（万元）`` into (``教学仪器设备值``, ``万元``); spaces and bracket kinds folded."""
    text = re.sub(r"\s+", "", str(header).translate(_BRACKETS)).replace("*", "")
    m = _UNIT_IN_HEADER.match(text)
    if m and m.group("name"):
        return m.group("name"), m.group("unit")
    return text, ""
