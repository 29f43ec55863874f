"""The ``junheng`` command (``shared/design.md``, CLI contract).

Exit status: 0 when the job ran (whatever the verdict), 2 on bad input or usage. Errors are
Chinese, on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from junheng import summary

# argparse's own messages, in Chinese (it looks its `_` up at call time).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


class UsageError(Exception):
    """Bad input the user can fix; printed as Chinese and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse calls this on bad usage
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _standard_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--standard", choices=["youzhi-2017", "jiben-2012"], default="youzhi-2017",
                        help="评估标准：youzhi-2017 优质均衡（默认），jiben-2012 基本均衡")
    parser.add_argument("--profile", metavar="FILE", help="省/市实施方案参数文件（YAML），覆盖标准中的部分参数")


def _county_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--county", metavar="CODE", help="只测算数据中的一个县（区），按县(区)代码选择")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="junheng", description="均衡：县域义务教育优质均衡发展督导评估——数据采集、测算、问题清单、整改与报告。")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = commands.add_parser("evaluate", help="测算一个数据集并打印结论", description="读取学校数据（工作簿或 CSV 文件夹），"
                            "计算各项指标、达标情况与差异系数，打印中文摘要。")
    p.add_argument("path", metavar="PATH", help="工作簿（.xlsx/.xls，工作表：学校/专用教室/县级指标/质量监测）或 CSV 文件夹")
    _standard_args(p)
    _county_arg(p)
    p.add_argument("--json", metavar="FILE", help="写出完整结果 JSON")
    p.add_argument("--tables", metavar="DIR", help="把评估单元、学校、差异系数、县级结果和问题清单写成表格文件到文件夹")
    p.add_argument("--tables-format", choices=["csv", "parquet"], default="csv",
                   help="--tables 的格式：csv（默认，UTF-8 带 BOM，Excel 可直接打开）或 parquet")
    p.add_argument("--xlsx", metavar="FILE", help="写出测算表工作簿（申报表 表Ⅰ–表Ⅵ 格式）；多个县时为文件夹，"
                   "每县一个工作簿，另附各县汇总")
    p.add_argument("--set", metavar="学校标识码.字段=值", action="append", default=[],
                   help="假设分析：修改某校某字段后重新测算并与原结果比较，可多次使用")
    p.set_defaults(run=run_evaluate)

    p = commands.add_parser("template", help="生成空白填报模板", description="生成学校自查自报用的填报工作簿。")
    p.add_argument("file", metavar="FILE.xlsx", help="输出的模板文件")
    p.add_argument("--year", type=int, help="预填年度")
    p.add_argument("--county", help="预填县(区)名称")
    p.add_argument("--schools", metavar="PATH", help="从已有数据集预填学校名单")
    p.set_defaults(run=run_template)

    p = commands.add_parser("problems", help="生成问题清单工作簿", description="列出每所学校的每项差距及其大小（一校一案草稿）。")
    p.add_argument("path", metavar="PATH", help="数据集（工作簿或 CSV 文件夹）")
    _standard_args(p)
    _county_arg(p)
    p.add_argument("--xlsx", metavar="FILE", help="写出问题清单工作簿（不指定时在屏幕上列出）；多个县时为文件夹，每县一个工作簿")
    p.set_defaults(run=run_problems)

    p = commands.add_parser("report", help="生成县域评估报告（Word/PDF）", description="生成含图表的县域自评报告。")
    p.add_argument("path", metavar="PATH", help="数据集（工作簿或 CSV 文件夹）")
    _standard_args(p)
    _county_arg(p)
    p.add_argument("--docx", metavar="FILE", required=True, help="输出的 Word 报告；多个县时为文件夹（报告.docx 即文件夹"
                   "“报告”），每县一个文件")
    p.add_argument("--pdf", metavar="FILE", help="同时转换为 PDF（需要 LibreOffice；多个县时同样为文件夹）")
    p.set_defaults(run=run_report)

    p = commands.add_parser("demo", help="生成演示县数据并完成全部测算", description="生成一个演示县（清溪县）的数据，"
                            "测算并把全部输出写入文件夹。")
    p.add_argument("--out", metavar="FOLDER", default="junheng-demo", help="输出文件夹（默认 ./junheng-demo）")
    p.set_defaults(run=run_demo)

    p = commands.add_parser("sample", help="实地督导：分层随机抽取待查学校", description="按城乡类型和学校类别分层，"
                            "用可复现的随机种子抽取一个县（区）实地督导的学校（默认 8–12 所）。")
    p.add_argument("path", metavar="PATH", help="数据集（工作簿或 CSV 文件夹）")
    p.add_argument("--county", metavar="CODE", help="县(区)代码（数据含多个县时必填）")
    p.add_argument("--seed", type=int, help="随机种子（不填则随机生成并打印，以便复现）")
    p.add_argument("--visit-date", metavar="YYYY-MM-DD", type=_iso_date, help="督导日期（据此算出通知学校的日期）")
    p.add_argument("--xlsx", metavar="FILE", help="写出抽中学校的实地核查表（报送值、核查方法，留空待填实地核查值）")
    p.set_defaults(run=run_sample)

    p = commands.add_parser("findings", help="实地督导：比对核查表，列出核查发现并生成整改通知",
                            description="读取填好的实地核查表，列出实地核查值与报送值不符的项目；"
                            "--docx-dir 为每所有问题的学校写出整改通知（Word）。")
    p.add_argument("path", metavar="核查表.xlsx", help="junheng sample --xlsx 写出并已填写的核查表")
    p.add_argument("--docx-dir", metavar="DIR", help="整改通知写入的文件夹（每校一份）")
    p.add_argument("--deadline", metavar="YYYY-MM-DD", type=_iso_date, help="整改报告报送期限（默认 30 天后）")
    p.add_argument("--issuer", default="县人民政府教育督导室", help="落款单位")
    p.add_argument("--year", type=int, help="参数年度（默认今年）")
    p.set_defaults(run=run_findings)

    p = commands.add_parser("check", help="数据核查：与上一年度比较、同校两县、合计不符", description="复核前的数据核查："
                            "与上一年度相比变化过大或校舍面积减少的数值、撤并与新增学校、更名、同一学校出现在两个县、"
                            "县级专任教师总数与各校合计不符。")
    p.add_argument("path", metavar="PATH", help="本年度数据集（工作簿或 CSV 文件夹）")
    p.add_argument("--last", metavar="PATH", help="上一年度数据集")
    p.set_defaults(run=run_check)

    p = commands.add_parser("warn", help="年度监测预警：按近年趋势明年将不达标的学校和差异系数",
                            description="读取两个及以上年度的数据（可为多个文件，或一个含多个年度的文件），"
                            "按近年趋势预测下一年度，列出现在达标、明年将不达标的学校指标、学校规模和差异系数，以及触发的人数。")
    p.add_argument("paths", metavar="PATH", nargs="+", help="各年度数据集（工作簿或 CSV 文件夹）")
    _standard_args(p)
    p.set_defaults(run=run_warn)

    p = commands.add_parser("serve", help="启动网页应用", description="启动网页应用（默认使用本地 SQLite 数据库）。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--demo", action="store_true", help="载入演示县数据并创建演示账号")
    p.add_argument("--workers", type=int, default=None, help="工作进程数（默认每个 CPU 核一个，至少 2 个）")
    p.add_argument("--dev", action="store_true", help="改用 Django 开发服务器（仅供开发调试，不可用于生产）")
    p.set_defaults(run=run_serve)

    p = commands.add_parser("backup", help="备份网页应用的数据库和佐证材料",
                            description="把数据库和佐证材料写入一个带日期的压缩包（服务运行时也可备份）。")
    p.add_argument("--out", metavar="FOLDER", default=".", help="备份存放的文件夹（默认当前文件夹）")
    p.set_defaults(run=run_backup)

    p = commands.add_parser("users", help="管理网页应用用户", description="添加用户或生成 API 令牌。")
    users = p.add_subparsers(dest="users_command", metavar="操作", parser_class=_Parser, required=True)
    u = users.add_parser("add", help="添加用户（密码从标准输入读取）")
    u.add_argument("username", metavar="USERNAME")
    u.add_argument("--role", choices=["bureau", "school", "inspector", "city", "province"], required=True,
                   help="角色：bureau 教育局管理员，school 学校填报员，inspector 督导专家，city 市级督导，province 省级督导")
    u.add_argument("--school", metavar="CODE", help="学校标识码（学校填报员）")
    u.add_argument("--county", metavar="CODE", help="县(区)代码或名称")
    u.add_argument("--region", metavar="CODE", help="行政区划代码前缀（市级督导 4 位，如 3201；省级督导 2 位，如 32）")
    u.set_defaults(run=run_users_add)
    u = users.add_parser("token", help="生成 API 令牌")
    u.add_argument("username", metavar="USERNAME")
    u.set_defaults(run=run_users_token)

    p = commands.add_parser("load", help="把县域数据集导入网页应用（作为已审核数据）")
    p.add_argument("path", metavar="PATH", help="数据集（工作簿或 CSV 文件夹）")
    p.add_argument("--year", type=int, required=True, help="年度")
    p.set_defaults(run=run_load)

    from junheng.plan.command import add_parser as add_plan_parser

    add_plan_parser(commands)

    from junheng.io.tongji.cli import add_parser as add_import_tongji

    add_import_tongji(commands)
    return parser


# ── output never over input ─────────────────────────────────────────────────────────────────

# The arguments of any command that name what is read, and what is written (file or folder).
_INPUT_ARGS = {"path": "数据文件", "paths": "数据文件", "last": "--last", "schools": "--schools", "profile": "--profile",
               "check": "--check"}
_OUTPUT_ARGS = ("json", "xlsx", "docx", "pdf", "tables", "docx_dir", "file", "out")


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def refuse_output_over_input(args: argparse.Namespace) -> None:
    """No output may be written over an input (the county's data would be replaced by the 测算表),
    nor two outputs over each other; checked for every command before anything is read."""
    inputs = [(label, Path(value)) for name, label in _INPUT_ARGS.items()
              for value in _as_list(getattr(args, name, None)) if value]
    inputs += [(label, csv) for label, folder in inputs if folder.is_dir() for csv in folder.glob("*.[cC][sS][vV]")]
    outputs: list[tuple[str, Path]] = []
    for name in _OUTPUT_ARGS:
        value = getattr(args, name, None)
        if not isinstance(value, str | os.PathLike) or not value:
            continue
        option, target = f"--{name.replace('_', '-')}" if name != "file" else "输出文件", Path(value)
        for label, source in inputs:
            if _same_path(target, source):
                raise UsageError(f"输出“{value}”（{option}）就是输入的{label}，写出会覆盖原始数据：请换一个输出文件名")
        for other_option, other in outputs:
            if _same_path(target, other):
                raise UsageError(f"{other_option} 和 {option} 是同一个文件“{value}”：请分别指定不同的输出文件名")
        outputs.append((option, target))


# ── commands ────────────────────────────────────────────────────────────────────────────────


def _read(path: str):
    """The data set at ``path``; its notices printed on stderr, grouped by sheet."""
    from junheng.io import read_dataset
    from junheng.io.errors import notice_lines

    dataset = read_dataset(path)
    for line in notice_lines(dataset.notices):
        print(line if line.startswith("  ") else f"提示：{line}", file=sys.stderr)
    return dataset


def _load(path: str, standard_id: str, profile: str | None = None, *, county: str | None = None, progress=None):
    """Read, check and evaluate a data set (only the county ``county`` names, when given)."""
    from junheng.evaluate import evaluate
    from junheng.progress import Progress
    from junheng.standards import load_standard

    progress = progress or Progress()
    standard = load_standard(standard_id, profile)
    with progress.step("读取数据"):
        dataset = _read(path)
    if county:
        dataset = select_county(dataset, county)
    with progress.step("测算"):
        evaluation = evaluate(dataset, standard)
    return dataset, standard, evaluation


COUNTIES_LISTED = 20


def select_county(dataset, code: str):
    """The data of the county whose 县(区)代码 is ``code`` (rows without a code join their county by
    name); a Chinese error naming the codes present when there is none."""
    import polars as pl

    schools = dataset.schools
    named = schools.filter(pl.col("county_code") == code).select("year", "county_name").unique()
    if not named.height:
        present = (schools.filter(pl.col("county_code").is_not_null()).group_by("county_code", maintain_order=True)
                   .agg(pl.col("county_name").first()).sort("county_code"))
        listed = "、".join(f"{c} {n}" for c, n in present.head(COUNTIES_LISTED).iter_rows())
        more = f"等 {present.height} 个" if present.height > COUNTIES_LISTED else ""
        raise UsageError(f"数据中没有县(区)代码为 {code} 的县（区）。"
                         + (f"数据中的县(区)代码：{listed}{more}" if listed else "数据中没有填写县(区)代码。"))

    def mine(frame):
        if frame is None or "county_code" not in frame.columns:
            return frame
        by_name = pl.col("county_code").is_null() & pl.struct("year", "county_name").is_in(
            named.select(pl.struct("year", "county_name")).to_series().implode())
        return frame.filter((pl.col("county_code") == code) | by_name)

    chosen = mine(schools)
    rooms = dataset.rooms
    if rooms is not None:
        rooms = rooms.filter(pl.col("school_code").is_in(chosen["school_code"].implode()))
    return replace(dataset, schools=chosen, rooms=rooms, county=mine(dataset.county), monitoring=mine(dataset.monitoring))


def _scenario(args: argparse.Namespace, standard) -> str | None:
    """The red line on what is written under --set or --profile, so it cannot pass for the official one."""
    parts = []
    if getattr(args, "set", None):
        parts.append("假设分析（" + "；".join(args.set) + "）")
    if standard.profiles:
        parts.append(f"按实施方案“{'、'.join(standard.profiles)}”的参数测算")
    return "，".join(parts) or None


def _write(label: str, path: str | Path, writer: Callable[[Path], object]) -> None:
    """Run a face's writer (each writes through a temporary file, so a failure leaves no half file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer(target)
    print(f"已写出{label}：{target}")


def _write_each(label: str, paths: list[Path], counties: int) -> None:
    """One line per file for a county or two; for many, the folder and the count."""
    if counties > 1 and paths:
        print(f"数据中有 {counties} 个县（区），每县一个{label}，已写入文件夹：{paths[-1].parent}")
    for path in paths if len(paths) <= 3 else (paths[0],):
        print(f"已写出{label}：{path}")


def run_evaluate(args: argparse.Namespace) -> None:
    from junheng.evaluate import evaluate
    from junheng.progress import Progress

    progress = Progress()
    dataset, standard, evaluation = _load(args.path, args.standard, args.profile, county=args.county,
                                          progress=progress)
    if args.set or args.profile:
        from junheng.standards import load_standard
        from junheng.whatif import apply_overrides, compare, parse_sets

        with progress.step("重新测算"):
            if args.set:  # the same standard (and profile) on the changed data
                baseline = evaluation
                evaluation = evaluate(apply_overrides(dataset, parse_sets(args.set)), standard)
            else:  # the profile against the national standard, on the same data
                baseline = evaluate(dataset, load_standard(args.standard))
        print(summary.render(evaluation))
        print("\n与原结果相比：")
        for line in compare(baseline.to_dict(), evaluation.to_dict()) or ["（无变化）"]:
            print(f"  {line}")
    else:
        print(summary.render(evaluation))
    scenario = _scenario(args, evaluation.standard)
    if args.json:
        from junheng.io.evaluation_json import write_evaluation_json

        _write("结果 JSON", args.json, lambda p: write_evaluation_json(evaluation, p, progress, scenario=scenario))
    if args.tables:
        from junheng.io.evaluation_tables import write_evaluation_tables

        paths = write_evaluation_tables(evaluation, args.tables, args.tables_format, progress, scenario=scenario)
        print(f"已写出表格 {len(paths)} 个（{args.tables_format}）：{Path(args.tables)}")
    if args.xlsx:
        from junheng.io.export import write_evaluation_workbooks

        paths = write_evaluation_workbooks(evaluation, args.xlsx, scenario=scenario, progress=progress)
        _write_each("测算表", paths, len(evaluation.counties))


def run_template(args: argparse.Namespace) -> None:
    from junheng.io.template import write_template

    schools = None
    if args.schools:
        schools = _read(args.schools)
    _write("填报模板", args.file, lambda p: write_template(p, year=args.year, county=args.county, schools_from=schools))


def run_problems(args: argparse.Namespace) -> None:
    from junheng.io.problem_book import write_problem_books
    from junheng.progress import Progress

    progress = Progress()
    _, _, evaluation = _load(args.path, args.standard, args.profile, county=args.county, progress=progress)
    with progress.step("查找问题"):
        count = len(evaluation.problems)
    if not args.xlsx:
        from junheng.problems_text import render_problems

        print(render_problems(evaluation.problems))
        return
    paths = write_problem_books(evaluation, args.xlsx, scenario=_scenario(args, evaluation.standard),
                                progress=progress)
    _write_each("问题清单", paths, len(evaluation.counties))
    print(f"共 {count} 项问题。")


def run_report(args: argparse.Namespace) -> None:
    from junheng.progress import Progress
    from junheng.report import write_reports

    progress = Progress()
    _, _, evaluation = _load(args.path, args.standard, args.profile, county=args.county, progress=progress)
    with progress.step("整理测算结果"):  # the report reads the whole result, problems included
        evaluation.to_dict()
    paths = write_reports(evaluation, args.docx, args.pdf, progress=progress)
    _write_each("报告", paths, len(evaluation.counties))


def run_demo(args: argparse.Namespace) -> None:
    from junheng.demo import run_demo as demo

    evaluation = demo(Path(args.out))
    print(summary.render(evaluation))
    print(f"\n演示数据与全部输出已写入文件夹：{Path(args.out).resolve()}")


def run_warn(args: argparse.Namespace) -> None:
    from junheng.monitoring import early_warnings

    evaluations = [_load(path, args.standard, args.profile)[2].to_dict() for path in args.paths]
    warnings = early_warnings(evaluations)
    years = sorted({c["year"] for e in evaluations for c in e["counties"]})
    if len(years) < 2:
        raise UsageError(f"预警至少需要两个年度的数据，现在只有：{'、'.join(map(str, years))}")
    for warning in warnings:
        print(warning.message)
    print(f"按 {years[0]}–{years[-1]} 年的趋势，{years[-1] + 1} 年共 {len(warnings)} 项预警。")


def run_check(args: argparse.Namespace) -> None:
    from junheng.monitoring import check_dataset

    datasets = [_read(path) for path in (args.path, args.last) if path]
    flags = check_dataset(datasets[0], datasets[1] if args.last else None)
    for flag in flags:
        print(flag.message)
    print(f"共 {len(flags)} 项需核实。" if flags else "未发现需核实的数据。")


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


def run_sample(args: argparse.Namespace) -> None:
    from junheng.inspection.sampling import draw_sample, render

    dataset = _read(args.path)
    if args.county:
        dataset = select_county(dataset, args.county)
    schools = dataset.schools
    sample = draw_sample(schools, seed=args.seed, visit_date=args.visit_date)
    print(render(sample))
    if args.xlsx:
        from junheng.inspection.checklist import write_checklist

        _write("实地核查表", args.xlsx, lambda p: write_checklist(sample, dataset, p))


def run_findings(args: argparse.Namespace) -> None:
    import datetime as dt

    from junheng.inspection.checklist import read_checklist
    from junheng.inspection.findings import compare, rectification_deadline, write_notice

    rows = read_checklist(args.path)
    findings, unchecked = compare(rows, args.year or dt.date.today().year)
    for finding in findings:
        print(finding.message)
    checked = len(rows) - unchecked
    print(f"共核查 {checked} 项，{len(findings)} 项与报送不符" + (f"；{unchecked} 项未填实地核查值，视为未核查。" if unchecked else "。"))
    if args.docx_dir:
        deadline = args.deadline or rectification_deadline(args.year or dt.date.today().year, dt.date.today())
        by_school: dict[str, list] = {}
        for finding in findings:
            by_school.setdefault(finding.row.school_code or finding.row.sheet, []).append(finding)
        for school_findings in by_school.values():
            name = school_findings[0].row.school_name
            _write("整改通知", Path(args.docx_dir) / f"{name}-整改通知.docx",
                   lambda p, f=school_findings: write_notice(f, p, deadline=deadline, issuer=args.issuer))


def run_serve(args: argparse.Namespace) -> None:
    from junheng.web.commands import serve

    serve(args.host, args.port, demo=args.demo, workers=args.workers, dev=args.dev)


def run_backup(args: argparse.Namespace) -> None:
    from junheng.web.commands import backup

    print(f"已备份到：{backup(args.out)}")


def run_users_add(args: argparse.Namespace) -> None:
    from junheng.web.commands import add_user

    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise UsageError("请从标准输入提供密码，例如：echo 密码 | junheng users add 用户名 --role bureau")
    add_user(args.username, args.role, school=args.school, county=args.county, password=password, region=args.region)
    print(f"已添加用户：{args.username}")


def run_users_token(args: argparse.Namespace) -> None:
    from junheng.web.commands import make_token

    print(make_token(args.username))


def run_load(args: argparse.Namespace) -> None:
    from junheng.web.commands import load

    count = load(args.path, args.year)
    print(f"已导入 {count} 所学校（{args.year} 年度，作为已审核数据）。")


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean bad input: their message is shown, the exit status is 2."""
    from junheng.io import InputErrors
    from junheng.standards import StandardError

    errors: list[type[BaseException]] = [UsageError, InputErrors, StandardError]
    try:
        from junheng.whatif import WhatIfError

        errors.append(WhatIfError)
    except ImportError:
        pass
    try:
        from junheng.report import ReportError

        errors.append(ReportError)
    except ImportError:
        pass
    try:
        from junheng.plan import PlanError

        errors.append(PlanError)
    except ImportError:
        pass
    try:
        from junheng.web.commands import CommandError

        errors.append(CommandError)
    except ImportError:
        pass
    from junheng.inspection import ChecklistError, SamplingError

    errors += [SamplingError, ChecklistError]
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        refuse_output_over_input(args)
        if getattr(args, "profile", None):  # a bad profile is reported whatever the data
            from junheng.standards import load_standard

            load_standard(args.standard, args.profile)
        args.run(args)
    except _user_errors() as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keep Python from reporting the pipe again at exit)
        return 0
    except OSError as exc:  # unwritable output folder, disk full …
        print(f"错误：无法读写文件：{exc.filename or ''}（{exc.strerror or exc}）", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
