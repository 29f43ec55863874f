"""A small builder for integer programs solved by HiGHS (highspy), with rows added between solves.

Columns and rows are collected in Python lists and handed to HiGHS in bulk; cuts are appended to
the live model afterwards (HiGHS keeps the model, so only the new rows travel). Every row may carry
a ``tag`` — the Chinese name of the constraint it stands for — so that an infeasible plan can name
its binding constraints (see :meth:`Milp.elastic`).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = highspy.kHighsInf
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A HiGHS instance; the first one of a process prints a copyright banner on the C standard
    output, which would end up in the middle of the CLI's Chinese summary, so it goes to devnull."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _banner_shown = True
    return h


@dataclass
class Result:
    status: str  # optimal | feasible | infeasible | error
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    gap: float | None


@dataclass
class Milp:
    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float, str]] = field(default_factory=list)
    _highs: highspy.Highs | None = None
    _rows_passed: int = 0
    _cols_passed: int = 0

    def var(self, name: str, cost: float = 0.0, upper: float = INF, lower: float = 0.0, integer: bool = True) -> int:
        self.integer.append(integer)
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.names.append(name)
        return len(self.cost) - 1

    def row(self, terms: dict[int, float], lower: float = -INF, upper: float = INF, tag: str = "") -> int:
        terms = {k: v for k, v in terms.items() if v}
        self.rows.append((terms, lower, upper, tag))
        return len(self.rows) - 1

    def _build(self, time_limit: float, gap: float) -> highspy.Highs:
        h = new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("threads", 1)
        self._highs = h
        self._rows_passed = self._cols_passed = 0
        return h

    def _pass_cols(self) -> None:
        first, n = self._cols_passed, len(self.cost) - self._cols_passed
        if not n:
            return
        part = slice(first, first + n)
        self._highs.addCols(n, np.array(self.cost[part], float), np.array(self.lower[part], float),
                            np.array(self.upper[part], float), 0, np.array([], np.int32), np.array([], np.int32),
                            np.array([], float))
        whole = (first + np.flatnonzero(np.array(self.integer[part], bool))).astype(np.int32)
        if len(whole):
            self._highs.changeColsIntegrality(len(whole), whole, np.array([highspy.HighsVarType.kInteger] * len(whole)))
        self._cols_passed = len(self.cost)

    def _pass_rows(self) -> None:
        new = self.rows[self._rows_passed:]
        if not new:
            return
        starts, index, value = [], [], []
        for terms, _, _, _ in new:
            starts.append(len(index))
            index += terms.keys()
            value += terms.values()
        self._highs.addRows(len(new), np.array([r[1] for r in new], float), np.array([r[2] for r in new], float),
                            len(index), np.array(starts, np.int32), np.array(index, np.int32), np.array(value, float))
        self._rows_passed = len(self.rows)

    def solve(self, time_limit: float = 60.0, gap: float = 1e-4) -> Result:
        h = self._highs if self._highs is not None else self._build(time_limit, gap)
        h.setOptionValue("time_limit", float(time_limit))
        self._pass_cols()
        self._pass_rows()
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return Result("infeasible", None, None, None, None)
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_solution:
            kind = "infeasible" if status == highspy.HighsModelStatus.kOptimal else "error"
            return Result(kind, None, None, None, None)
        values = np.asarray(h.getSolution().col_value)
        objective = float(info.objective_function_value)
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else objective
        relative = 0.0 if objective <= 0 else max(0.0, (objective - bound) / abs(objective))
        kind = "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible"
        return Result(kind, values, objective, bound, relative)

    def elastic(self, tags: set[str], budget_row: int | None, time_limit: float) -> list[str]:
        """Which tagged constraints must give way: every row whose tag is in ``tags`` gets a slack
        column, the objective becomes the slacks' total (scaled per row), and the tags of the rows
        whose slack is used are returned."""
        model = Milp(list(np.zeros(len(self.cost))), list(self.lower), list(self.upper), list(self.names),
                     list(self.integer))
        slacks = {}
        for i, (terms, lower, upper, tag) in enumerate(self.rows):
            terms = dict(terms)
            if tag in tags:
                scale = max(1.0, abs(lower) if math.isfinite(lower) else 1.0)
                slack = model.var(f"slack{i}", cost=1.0 / scale)
                terms[slack] = 1.0 if math.isfinite(lower) else -1.0
                slacks[slack] = tag
            model.row(terms, lower, upper, tag)
        result = model.solve(time_limit, gap=1e-3)
        if result.values is None:
            return sorted(tags)
        used = []
        for column, tag in slacks.items():
            if result.values[column] > 1e-6 and tag not in used:
                used.append(tag)
        return used
