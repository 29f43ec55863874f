"""达标规划: the least-cost plan that brings every school and the county to the standard (issue 11).

``make_plan(dataset, standard, costs, budget, years)`` returns a :class:`Plan` whose actions, applied
to the data (:func:`apply_actions`), re-evaluate to a pass with the same engine. See
:mod:`junheng.plan.planner` for the method and :mod:`junheng.plan.model` for the integer program.
"""

from junheng.lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {"Action": "actions", "apply_actions": "actions", "Costs": "costs",
                                      "PlanError": "costs", "load_costs": "costs", "Plan": "planner",
                                      "make_plan": "planner"})

__all__ = ["Action", "Costs", "Plan", "PlanError", "apply_actions", "load_costs", "make_plan"]
