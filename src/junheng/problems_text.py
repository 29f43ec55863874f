"""The 问题清单 as text for the screen (``junheng problems`` without ``--xlsx``).

Grouped by county and year, then by school, most serious first (the workbook's order); each line
is the engine's own Chinese message, marked when it stops the county passing.
"""

from __future__ import annotations

from junheng.io.problem_book import severity_key


def render_problems(problems: list[dict]) -> str:
    if not problems:
        return "未发现问题。"
    counties: dict[tuple, list[dict]] = {}
    for problem in problems:
        counties.setdefault((problem.get("county_name"), problem.get("year")), []).append(problem)
    lines: list[str] = []
    for (county, year), found in counties.items():
        blocking = sum(1 for p in found if p.get("blocking"))
        lines.append(f"{county}（{year} 年度）：{len(found)} 项问题，其中 {blocking} 项影响达标")
        schools: dict[tuple, list[dict]] = {}
        for problem in sorted(found, key=severity_key):
            schools.setdefault((problem.get("school_code"), problem.get("school_name")), []).append(problem)
        for (code, name), items in schools.items():
            lines.append(f"  {name or '全县'}{f'（{code}）' if code else ''}")
            lines.extend(f"    {'【影响达标】' if p.get('blocking') else ''}{p.get('message', '')}" for p in items)
    return "\n".join(lines)
