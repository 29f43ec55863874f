"""The least-cost plan as a mixed-integer program (HiGHS), with the 差异系数 met by cuts.

Decision variables are whole teachers and rooms (integers) and ㎡ and 元 (rounded up to whole units): recruits (by kind), 交流轮岗
transfers (in and out per unit and kind, balanced per county, 学段 and kind, capped per year),
骨干教师 培养 (only when the plan spans enough years), floor area built or converted, indoor sports
halls (they count in L4 and L5), sports fields, equipment, multimedia rooms, music and art rooms
converted from spare ordinary rooms or built. Constraints:

- every unit: each indicator ≥ its 85% floor, and ≥ its standard unless its binary ``z`` is 0, with
  at most 7 − 6 zeros (the 6-of-7 rule, §1.1) — exact, since needs are whole numbers computed in
  rational arithmetic (:func:`~junheng.plan.levers.needs`); a donor is bound by the same rows, so it
  stays compliant;
- G3 per school (one music and one art room per 12 classes, separate or combined by the parameter);
- G11 (when the county sheet has it): the plan's transfers count as 交流轮岗, 骨干 ones in the 20%;
- each of the 14 CVs ≤ its maximum. CV ≤ c is ‖√w·(x − x̄)‖ ≤ c·x̄, a second-order cone in the
  resources; its outer approximation at a point x_0 is the linear cut Σ w_u (d_0_u − c·S_0) x_u ≤ 0
  (d_0 = x_0 − x̄_0, S_0 = ‖√w·d_0‖), valid everywhere by Cauchy–Schwarz. Cuts are added at the
  current data and at every solution whose CV is too high, until the engine's re-evaluation passes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from junheng.plan.costs import Costs
from junheng.plan.levers import INDICATOR_IDS, KINDS, SPLIT, UnitFacts
from junheng.plan.milp import INF, Milp, Result
from junheng.schema import STAGE_ZH
from junheng.standards import Params

CV_MARGIN = 1e-7  # cut at c·(1 − margin): the engine judges unrounded CVs exactly
# Floor area and equipment are solved as continuous amounts (equipment in thousands of 元, which keeps
# the program well scaled) and rounded up to whole ㎡ and 元: every requirement only grows when an
# amount grows, and the CVs are re-checked after rounding.
CONE_AFTER = 3  # rounds of single cuts before a slow CV gets its whole-cone relaxation
CONE_PIECES = 64  # half-planes per 2-D cone: 1/cos(π/64) ≈ 1.0012 per level of the tree
CONTINUOUS = {"area_build": 1, "area_convert": 1, "hall": 1, "field": 1, "field_convert": 1, "equip": 1000}
ROOM_KINDS = ("音乐", "美术")


@dataclass
class SchoolFacts:
    code: str
    name: str
    county: str
    teaching_area: float
    sports_field_area: float
    g3: dict | None  # the engine's G3 check of the school (None: not assessed)
    spare_rooms: int


@dataclass
class PlanModel:
    units: list[UnitFacts]
    schools: dict[str, SchoolFacts]
    params: Params
    costs: Costs
    years: int
    exchange: dict[str, dict]  # county → {"eligible", "exchanged", "exchanged_key"} for G11 and the cap
    budget: float | None = None
    milp: Milp = field(default_factory=Milp)
    var: dict[tuple, int] = field(default_factory=dict)
    budget_row: int | None = None
    tags: set[str] = field(default_factory=set)
    scales: dict[int, int] = field(default_factory=dict)  # column → base units per unit of the column
    coned: set[tuple[str, str, str]] = field(default_factory=set)  # CVs with their cone relaxation

    # ── building ────────────────────────────────────────────────────────────────────────────

    def _v(self, key: tuple, cost: float, upper: float = INF) -> int:
        scale = CONTINUOUS.get(key[0])
        if scale is None:
            self.var[key] = self.milp.var(repr(key), cost, upper)
        else:
            self.var[key] = self.milp.var(repr(key), cost * scale, upper / scale, integer=False)
        return self.var[key]

    def amounts(self, values: np.ndarray) -> dict[tuple, int]:
        """The solution in whole units: teachers, rooms, ㎡ and 元 (continuous amounts rounded up)."""
        out = {}
        for key, col in self.var.items():
            if key[0] == "z":
                continue
            scale = CONTINUOUS.get(key[0])
            amount = round(values[col]) if scale is None else math.ceil(values[col] * scale - 1e-6)
            if amount > 0:
                out[key] = int(amount)
        return out

    def build(self) -> PlanModel:
        c, years = self.costs, self.years
        transfer = c.enabled("transfer")
        train = c.enabled("train_key") and years >= int(c["train_key.years"])
        for u in self.units:
            if c.enabled("recruit"):
                self._v(("rec", u.index, "deg"), c.f("recruit.teacher"))
                self._v(("rec", u.index, "pe"), c.f("recruit.pe_arts"))
            if train:
                self._v(("train", u.index), c.f("train_key"), max(0, u.teachers - int(u.resource["L2"])))
            if transfer:
                for kind in KINDS:
                    self._v(("in", u.index, kind), c.f("transfer"))
                    available = self._givable(u, kind)
                    if available > 0:
                        self._v(("out", u.index, kind), 0.0, available)
        for s in self.schools.values():
            if c.enabled("build"):
                self._v(("area_build", s.code), c.f("build.teaching_area"))
                self._v(("hall", s.code), c.f("build.indoor_sports"))
                self._v(("field", s.code), c.f("build.sports_field"))
            if c.enabled("convert"):
                share = float(c["convert.max_share"])
                for key, price, area in (("area_convert", "convert.teaching_area", s.teaching_area),
                                         ("field_convert", "convert.sports_field", s.sports_field_area)):
                    if math.floor(share * area) > 0:
                        self._v((key, s.code), c.f(price), math.floor(share * area))
            if c.enabled("equip"):
                self._v(("equip", s.code), c.f("equip"))
                self._v(("mm", s.code), c.f("multimedia_room"))
            if s.g3 is not None:
                for kind in ROOM_KINDS:
                    if c.enabled("convert") and s.spare_rooms > 0:
                        self._v(("room", s.code, kind, "convert"), c.f("convert.special_room"), s.spare_rooms)
                    if c.enabled("build"):
                        area = s.g3["music_min_area" if kind == "音乐" else "art_min_area"]
                        self._v(("room", s.code, kind, "build"),
                                c.f("build.special_room") + math.ceil(area) * c.f("build.teaching_area"))
        self.scales = {col: CONTINUOUS.get(key[0], 1) for key, col in self.var.items()}
        self._unit_rows()
        self._donor_rows()
        self._transfer_rows()
        self._g3_rows()
        for stage_units in self._by_stage().values():
            for ind in INDICATOR_IDS:
                self.add_cuts(stage_units, ind, None)
        if self.budget is not None:
            self.budget_row = self.milp.row(dict(enumerate(self.milp.cost)), upper=self.budget, tag="总预算")
        return self

    def _givable(self, u: UnitFacts, kind: str) -> int:
        """Teachers of ``kind`` the unit could give while keeping its floor (the rows decide the rest)."""
        floor = {"deg": "L1", "pe": "L3", "key": "L2"}[kind]
        surplus = -u.need[floor][0]
        have = int(u.resource[floor])
        return max(0, min(surplus, have))

    def delta(self, u: UnitFacts, ind: str) -> dict[int, float]:
        """The linear expression of what the plan adds to the unit's resource (school's for L4–L7)."""
        v, i = self.var, u.index
        terms: dict[int, float] = defaultdict(float)

        def add(key: tuple, coef: float = 1.0) -> None:
            if key in v:
                terms[v[key]] += coef

        if ind == "L1":
            add(("rec", i, "deg"))
            add(("rec", i, "pe"))
            for kind in KINDS:
                add(("in", i, kind))
                add(("out", i, kind), -1)
        elif ind == "L2":
            add(("train", i))
            add(("in", i, "key"))
            add(("out", i, "key"), -1)
        elif ind == "L3":
            add(("rec", i, "pe"))
            add(("in", i, "pe"))
            add(("out", i, "pe"), -1)
        elif ind == "L4":
            add(("area_build", u.school_code))
            add(("area_convert", u.school_code))
            if not self.params["L4.excludes_indoor_sports"]:
                add(("hall", u.school_code))
            g3 = self.schools[u.school_code].g3
            for kind in ROOM_KINDS:
                if g3 is not None:
                    add(("room", u.school_code, kind, "build"), float(g3["music_min_area" if kind == "音乐" else "art_min_area"]))
        elif ind == "L5":
            add(("hall", u.school_code))
            add(("field", u.school_code))
            add(("field_convert", u.school_code))
        elif ind == "L6":
            add(("equip", u.school_code), CONTINUOUS["equip"])
        else:
            add(("mm", u.school_code))
        return dict(terms)

    def _unit_rows(self) -> None:
        minimum = int(self.params["unit.min_indicators_met"])
        for u in self.units:
            can_fall = any(("out", u.index, k) in self.var for k in KINDS)
            zs, certain = [], 0
            for ind in INDICATOR_IDS:
                to_floor, to_standard = u.need[ind]
                falls = can_fall and ind not in SPLIT
                if to_standard <= 0 and not falls:
                    certain += 1
                    continue
                tag = f"{u.school_name}{STAGE_ZH[u.stage]}{ind} 达到标准的底线与 6 项达标"
                terms = self.delta(u, ind)
                z = self._v(("z", u.index, ind), 0.0, 1)
                terms[z] = -(to_standard - to_floor)
                self.milp.row(terms, lower=to_floor, tag=tag)
                self.tags.add(tag)
                zs.append(z)
            if zs and certain < minimum:
                tag = f"{u.school_name}{STAGE_ZH[u.stage]}至少 {minimum} 项达标"
                self.milp.row(dict.fromkeys(zs, 1.0), lower=minimum - certain, tag=tag)
                self.tags.add(tag)

    def _donor_rows(self) -> None:
        """What a donor keeps stays consistent (体育艺术 and 骨干 teachers never outnumber all teachers)."""
        for u in self.units:
            outs = {k: self.var.get(("out", u.index, k)) for k in KINDS}
            if not any(o is not None for o in outs.values()):
                continue
            total = {o: 1.0 for o in outs.values() if o is not None}
            self.milp.row(total, upper=int(u.resource["L1"]))
            for kind, resource in (("pe", "L3"), ("key", "L2")):
                others = {o: 1.0 for k, o in outs.items() if o is not None and k != kind}
                if others:
                    self.milp.row(others, upper=u.teachers - int(u.resource[resource]))

    def _transfer_rows(self) -> None:
        if not self.costs.enabled("transfer"):
            return
        groups: dict[tuple, dict[int, float]] = defaultdict(dict)
        moved: dict[str, dict[int, float]] = defaultdict(dict)
        moved_key: dict[str, dict[int, float]] = defaultdict(dict)
        for u in self.units:
            for kind in KINDS:
                terms = groups[(u.county, u.stage, kind)]
                if ("in", u.index, kind) in self.var:
                    terms[self.var[("in", u.index, kind)]] = 1.0
                    moved[u.county][self.var[("in", u.index, kind)]] = 1.0
                    if kind == "key":
                        moved_key[u.county][self.var[("in", u.index, kind)]] = 1.0
                if ("out", u.index, kind) in self.var:
                    terms[self.var[("out", u.index, kind)]] = -1.0
        for terms in groups.values():
            self.milp.row(terms, 0.0, 0.0)
        share = float(self.costs["transfer.max_share_per_year"])
        for county, terms in moved.items():
            facts = self.exchange.get(county, {})
            eligible = facts.get("eligible") or sum(u.teachers for u in self.units if u.county == county)
            self.milp.row(terms, upper=math.floor(share * eligible) * self.years, tag=f"{county}交流调配人数上限")
            if facts.get("exchanged") is not None and facts.get("eligible"):
                # G11: 100·(exchanged + T) ≥ rate·eligible; 100·(key + T_key) ≥ share·(exchanged + T)
                rate, key_share = float(self.params["G11.min_exchange_rate"]), float(self.params["G11.min_key_share"])
                tag = f"{county} G11 交流轮岗比例"
                self.milp.row({k: 100.0 for k in terms}, lower=rate * facts["eligible"] - 100 * facts["exchanged"], tag=tag)
                row = {k: -key_share for k in terms}
                for k in moved_key[county]:
                    row[k] = 100.0 - key_share
                tag_key = f"{county} G11 骨干教师占交流轮岗比例"
                self.milp.row(row, lower=key_share * facts["exchanged"] - 100 * facts["exchanged_key"], tag=tag_key)
                self.tags |= {tag, tag_key}

    def _g3_rows(self) -> None:
        combined = bool(self.params["G3.count_combined"])
        for s in self.schools.values():
            if s.g3 is None or not s.g3.get("rooms_required"):
                continue
            rooms = {kind: {self.var[k]: 1.0 for k in (("room", s.code, kind, "convert"), ("room", s.code, kind, "build"))
                            if k in self.var} for kind in ROOM_KINDS}
            have = {"音乐": s.g3["music_rooms"], "美术": s.g3["art_rooms"]}
            required = s.g3["rooms_required"]
            if combined:
                tag = f"{s.name} G3 音乐美术专用教室"
                self.milp.row({**rooms["音乐"], **rooms["美术"]}, lower=required - sum(have.values()), tag=tag)
                self.tags.add(tag)
            else:
                for kind in ROOM_KINDS:
                    if have[kind] < required:
                        tag = f"{s.name} G3 {kind}专用教室"
                        self.milp.row(rooms[kind], lower=required - have[kind], tag=tag)
                        self.tags.add(tag)
            converts = {self.var[k]: 1.0 for kind in ROOM_KINDS if (k := ("room", s.code, kind, "convert")) in self.var}
            if converts:
                self.milp.row(converts, upper=s.spare_rooms)

    # ── the 差异系数 cuts ────────────────────────────────────────────────────────────────────

    def _by_stage(self) -> dict[tuple[str, str], list[UnitFacts]]:
        groups: dict[tuple[str, str], list[UnitFacts]] = defaultdict(list)
        for u in self.units:
            groups[(u.county, u.stage)].append(u)
        return groups

    def added(self, amounts: dict[int, int] | None, u: UnitFacts, ind: str) -> float:
        """What the solution adds to the unit's resource, in whole units (school's for L4–L7)."""
        if not amounts:
            return 0.0
        return sum(coef / self.scales[col] * amounts.get(col, 0) for col, coef in self.delta(u, ind).items())



    def values(self, stage_units: list[UnitFacts], ind: str, amounts: dict[int, int] | None) -> np.ndarray:
        """The units' indicator values at a solution (None: the data)."""
        return np.array([u.value(ind, self.added(amounts, u, ind)) for u in stage_units])

    @staticmethod
    def _cv(x: np.ndarray, w: np.ndarray) -> float:
        mean = float(w @ x)
        d = x - mean
        return math.sqrt(float(w @ (d * d))) / mean if mean > 0 else math.inf

    @staticmethod
    def _weights(stage_units: list[UnitFacts]) -> np.ndarray:
        w = np.array([u.students for u in stage_units], float)
        return w / w.sum()

    def cv(self, stage_units: list[UnitFacts], ind: str, amounts: dict[int, int] | None) -> float:
        return self._cv(self.values(stage_units, ind, amounts), self._weights(stage_units))

    def add_cut(self, stage_units: list[UnitFacts], ind: str, x: np.ndarray, margin: float = CV_MARGIN) -> bool:
        """Add the supporting hyperplane of one CV's cone at the values ``x``; True if one was added."""
        w = self._weights(stage_units)
        d = x - float(w @ x)
        sd = math.sqrt(float(w @ (d * d)))
        if sd == 0 or len(stage_units) < 2:
            return False
        c = float(self.params[f"cv.max.{stage_units[0].stage}"]) * (1 - margin)
        a = w * (d - c * sd) / sd  # Σ a_u x_u ≤ 0, x_u = base_u + k_u·Δ_u
        terms: dict[int, float] = defaultdict(float)
        constant = 0.0
        for a_u, u in zip(a, stage_units, strict=True):
            constant += a_u * u.value(ind)
            k = a_u * u.coefficient(ind)
            for col, coef in self.delta(u, ind).items():
                terms[col] += k * coef
        u0 = stage_units[0]
        tag = f"{u0.county}{STAGE_ZH[u0.stage]}{ind} 差异系数"
        self.tags.add(tag)
        scale = max((abs(t) for t in terms.values()), default=1.0) or 1.0
        self.milp.row({k: t / scale for k, t in terms.items()}, upper=-constant / scale, tag=tag)
        return True

    def add_cuts(self, stage_units: list[UnitFacts], ind: str, amounts: dict[int, int] | None,
                 margin: float = CV_MARGIN) -> bool:
        """Cuts for one CV at a solution whose CV is too high: the plain outer-approximation cut at the
        solution, and supporting hyperplanes at two points of the cone's boundary — where the segment
        towards the all-equal point (CV 0) leaves the cone (the extended supporting hyperplane method)
        and the "water level" point that lifts the lowest units just enough (near where a least-cost
        plan lands). Cuts at the solutions alone converge slowly once the whole units bite."""
        x = self.values(stage_units, ind, amounts)
        added = self.add_cut(stage_units, ind, x, margin)
        w = self._weights(stage_units)
        limit = float(self.params[f"cv.max.{stage_units[0].stage}"]) * (1 - margin)
        if not added or self._cv(x, w) <= limit:
            return added
        inner = np.full_like(x, x.max())
        for point in (lambda t: x + t * (inner - x), lambda t: np.maximum(x, x.min() + t * (x.max() - x.min()))):
            low, high = 0.0, 1.0  # CV > limit at 0, CV = 0 at 1: bisect for the boundary
            for _ in range(50):
                middle = (low + high) / 2
                low, high = (middle, high) if self._cv(point(middle), w) > limit else (low, middle)
            self.add_cut(stage_units, ind, point(high), margin)
        return added

    def add_cone(self, stage_units: list[UnitFacts], ind: str, pieces: int = CONE_PIECES) -> None:
        """The whole cone of one CV as a polyhedral relaxation (Ben-Tal and Nemirovski's tower of 2-D
        cones): with y_u = √w_u·(x_u − x̄)/x̄_0 and t = c·x̄/x̄_0, ‖y‖ ≤ t is split into a binary tree of
        ‖(a, b)‖ ≤ z, each relaxed to ``pieces`` tangent half-planes. Every CV ≤ c point satisfies it, so
        the lower bound stays valid, and the tree's points have CV ≤ c/cos(π/pieces)^depth. Added only
        for a CV whose cuts at single points converge slowly."""
        milp, w = self.milp, self._weights(stage_units)
        base = np.array([u.value(ind) for u in stage_units])
        scale = float(w @ base) or 1.0
        mean = milp.var(f"mean:{ind}", upper=INF, integer=False)
        terms = {mean: 1.0}
        constant = 0.0
        for w_u, u, b in zip(w, stage_units, base, strict=True):
            constant += w_u * b / scale
            for col, coef in self.delta(u, ind).items():
                terms[col] = terms.get(col, 0.0) - w_u * u.coefficient(ind) * coef / scale
        milp.row(terms, constant, constant)  # mean = Σ w·x / x̄_0
        level = []
        for w_u, u, b in zip(w, stage_units, base, strict=True):
            y = milp.var("y", upper=INF, lower=-INF, integer=False)
            root = math.sqrt(w_u)
            row = {y: 1.0, mean: root}
            for col, coef in self.delta(u, ind).items():
                row[col] = row.get(col, 0.0) - root * u.coefficient(ind) * coef / scale
            milp.row(row, root * b / scale, root * b / scale)  # y = √w·(x − mean)
            level.append((y, True))
        angles = [2 * math.pi * k / pieces for k in range(pieces)]
        while len(level) > 1:
            paired = []
            for i in range(0, len(level) - 1, 2):
                (a, signed_a), (b, signed_b) = level[i], level[i + 1]
                z = milp.var("z", upper=INF, integer=False)
                signed = signed_a or signed_b
                for theta in angles if signed else [t for t in angles if t <= math.pi / 2 + 1e-12]:
                    milp.row({a: math.cos(theta), b: math.sin(theta), z: -1.0}, upper=0.0)
                paired.append((z, False))
            if len(level) % 2:
                paired.append(level[-1])
            level = paired
        top, signed = level[0]
        if signed:  # a single unit: CV 0 by definition
            return
        c = float(self.params[f"cv.max.{stage_units[0].stage}"])
        u0 = stage_units[0]
        tag = f"{u0.county}{STAGE_ZH[u0.stage]}{ind} 差异系数"
        milp.row({top: 1.0, mean: -c}, upper=0.0, tag=tag)
        self.coned.add((u0.county, u0.stage, ind))

    def cone_slow(self, values: np.ndarray, rounds: int) -> int:
        """Add the cone relaxation for every CV still violated after CONE_AFTER rounds."""
        if rounds < CONE_AFTER:
            return 0
        amounts = self.column_amounts(values)
        added = 0
        for (county, stage), stage_units in self._by_stage().items():
            maximum = float(self.params[f"cv.max.{stage}"])
            for ind in INDICATOR_IDS:
                if (county, stage, ind) not in self.coned and self.cv(stage_units, ind, amounts) > maximum:
                    self.add_cone(stage_units, ind)
                    added += 1
        return added

    def column_amounts(self, values: np.ndarray) -> dict[int, int]:
        return {self.var[key]: amount for key, amount in self.amounts(values).items()}

    def violated_cuts(self, values: np.ndarray, margin: float | None = None) -> int:
        """Add cuts for every CV the solution leaves above its maximum (by this module's floats); with a
        ``margin``, the new cuts aim that much inside the maximum (see planner.TIGHTEN_AFTER)."""
        amounts = self.column_amounts(values)
        added = 0
        for stage_units in self._by_stage().values():
            maximum = float(self.params[f"cv.max.{stage_units[0].stage}"])
            for ind in INDICATOR_IDS:
                if self.cv(stage_units, ind, amounts) > maximum * (1 - CV_MARGIN / 2):
                    added += self.add_cuts(stage_units, ind, amounts, margin or CV_MARGIN)
        return added

    def cut_failing(self, failing: list[tuple[str, str, str]], values: np.ndarray) -> None:
        """Cuts for CVs the engine still judged too high, with a wider margin."""
        amounts = self.column_amounts(values)
        groups = self._by_stage()
        for county, stage, ind in failing:
            if (county, stage) in groups:
                self.add_cuts(groups[(county, stage)], ind, amounts, margin=1e-5)

    def solve(self, time_limit: float, gap: float) -> Result:
        return self.milp.solve(time_limit, gap)

    def solution(self, values: np.ndarray) -> dict[tuple, int]:
        return self.amounts(values)
