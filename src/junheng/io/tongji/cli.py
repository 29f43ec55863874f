"""``junheng import-tongji``: 事业统计 exports → the fill-in workbook, or a cross-check of a filled data set."""

from __future__ import annotations

import argparse
import sys


def add_parser(commands) -> None:
    """Register the subcommand on ``junheng``'s subparsers."""
    p = commands.add_parser(
        "import-tongji", help="导入教育事业统计基层表导出，生成填报工作簿或与已填数据核对",
        description="读取每校一个的事业统计导出工作簿（基础基… 或 教基… 工作表）或县级汇总导出（每学段一个文件），"
                    "生成标准填报工作簿；事业统计没有的项目留空待补填并逐校列出。用 --check 时改为核对已填数据与事业统计是否一致。")
    p.add_argument("paths", metavar="FILES_OR_FOLDER", nargs="+", help="导出工作簿（.xlsx）或其所在文件夹")
    p.add_argument("--out", metavar="FILE", help="输出的填报工作簿（.xlsx）；与 --check 同用时为差异清单（.xlsx 或 .csv）")
    p.add_argument("--check", metavar="DATA", help="已填数据集（工作簿或 CSV 文件夹）：逐校逐项与事业统计核对")
    p.add_argument("--year", type=int, help="年度（导出中找不到统计学年时必填）")
    p.add_argument("--county", help="县(区)名称（导出中找不到属地管理教育行政部门时必填）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from junheng.cli import _write
    from junheng.io.errors import file_error

    from .importer import import_tongji

    if not args.check and not args.out:  # (junheng.cli's UsageError is another class when run as __main__)
        raise file_error("请用 --out 指定输出的填报工作簿，或用 --check 指定要核对的数据集")
    allowed = (".xlsx", ".csv") if args.check else (".xlsx",)
    if args.out and not args.out.lower().endswith(allowed):
        raise file_error(f"--out 应为 {' 或 '.join(allowed)} 文件：{args.out}")
    result = import_tongji(args.paths, year=args.year, county=args.county, exclude=args.out)
    for notice in result.notices:
        print(f"提示：{notice}", file=sys.stderr)
    if args.check:
        _check(args, result, _write)
        return
    for line in result.to_fill_lines():
        print(f"提示：{line}", file=sys.stderr)
    from .output import write_import_workbook

    _write("填报工作簿", args.out, lambda p: write_import_workbook(result, p))
    print(f"已导入 {len(result.records)} 所学校；黄色单元格为事业统计没有、需补填的项目，"
          "来源与待补填清单见“事业统计导入”工作表。")


def _check(args: argparse.Namespace, result, write) -> None:
    from junheng.io import read_dataset_with_warnings

    from .check import compare, write_differences

    dataset, warnings = read_dataset_with_warnings(args.check)
    for warning in warnings:
        print(f"提示：{warning}", file=sys.stderr)
    differences = compare(dataset, result)
    if differences:
        schools = len({d.school_code for d in differences})
        print(f"与事业统计不一致：{schools} 所学校，共 {len(differences)} 处。")
        for difference in differences:
            print(f"  {difference.line()}")
    else:
        print(f"已核对 {len(result.records)} 所学校：填报数据与事业统计完全一致。")
    if args.out:
        write("差异清单", args.out, lambda p: write_differences(differences, p))
