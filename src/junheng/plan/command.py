"""``junheng plan DATA [--costs FILE] [--budget 元] [--years N] --xlsx 规划.xlsx [--json FILE] [--write-data DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(commands) -> None:
    p = commands.add_parser("plan", help="编制最低成本的达标规划", description="以最低成本使每所学校、每项差异系数及 G3、G4、G5 "
                            "达标：招聘、交流调配、新建或改造校舍、购置设备、片区内分流学生；用同一测算引擎复核规划后的数据。")
    p.add_argument("path", metavar="DATA", help="数据集（工作簿或 CSV 文件夹）")
    p.add_argument("--profile", metavar="FILE", help="省/市实施方案参数文件（YAML）")
    p.add_argument("--costs", metavar="costs.yaml", help="本县成本参数文件（YAML），覆盖默认单价、上限与措施开关")
    p.add_argument("--budget", metavar="元", help="总预算（元）；超出时报告“预算内无法达标”及其约束")
    p.add_argument("--years", metavar="N", type=int, default=1, help="规划年数（默认 1）；多年时按成本由低到高分年实施，逐年复核")
    p.add_argument("--time-limit", metavar="秒", type=float, default=60.0, help="求解时限（默认 60 秒）")
    p.add_argument("--xlsx", metavar="规划.xlsx", required=True, help="输出的达标规划工作簿")
    p.add_argument("--json", metavar="FILE", help="同时写出规划 JSON")
    p.add_argument("--write-data", metavar="DIR", help="写出按规划调整后的数据集（CSV 文件夹），供独立复核")
    p.add_argument("--docx", metavar="报告.docx", help="同时写出含“达标规划”一章的县域评估报告（Word）")
    p.set_defaults(run=run_plan)


def run_plan(args: argparse.Namespace) -> None:
    from junheng.cli import _load, _write
    from junheng.plan import PlanError, apply_actions, load_costs, make_plan
    from junheng.plan.costs import parse_budget
    from junheng.plan.output import render, write_plan_json
    from junheng.plan.workbook import write_plan_xlsx

    costs = load_costs(args.costs)
    budget = parse_budget(args.budget)
    if args.years < 1:
        raise PlanError(f"规划年数须为正整数，而不是 {args.years}")
    for option in (args.xlsx, args.json, args.write_data, args.docx):
        if option and Path(option).resolve() == Path(args.path).resolve():
            raise PlanError(f"输出文件不能覆盖输入数据：{option}")
    dataset, standard, _ = _load(args.path, "youzhi-2017", args.profile)
    plan = make_plan(dataset, standard, costs, None if budget is None else float(budget), args.years,
                     time_limit=args.time_limit)
    print(render(plan))
    _write("达标规划", args.xlsx, lambda p: write_plan_xlsx(plan, p))
    if args.json:
        _write("规划 JSON", args.json, lambda p: write_plan_json(plan, p))
    if args.write_data and plan.status != "infeasible":
        from junheng.io.dataset_writer import write_dataset_csv
        from junheng.plan.planner import _year_only

        data = apply_actions(_year_only(dataset, plan.year), plan.actions)
        _write("按规划调整后的数据", args.write_data, lambda p: write_dataset_csv(data, p))
    elif args.write_data:
        print("规划不可行，未写出调整后的数据。")
    if args.docx:
        from junheng.plan.output import plan_dict
        from junheng.report import write_reports

        chapter = plan_dict(plan)["plan"]
        for path in write_reports(plan.before, args.docx, plan=chapter):
            print(f"已写出报告：{path}")
