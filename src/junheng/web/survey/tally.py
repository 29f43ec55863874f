"""Reading a survey: its rules, questionnaires and plan, the valid answers summarised, the 表Ⅵ."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Sum

from junheng.survey import load_params
from junheng.survey.params import SurveyParams
from junheng.survey.questionnaire import QUESTIONNAIRE_IDS, Questionnaire, parse
from junheng.survey.results import Summary, TableVI, Valid, summarise

from .models import Rejection, RejectReason, Response, Survey


def params_of(survey: Survey) -> SurveyParams:
    return load_params(survey.year)


def questionnaires_of(survey: Survey) -> dict[str, Questionnaire]:
    """The year's questionnaires as stored (they were checked when saved)."""
    return {qid: parse(survey.questionnaires[qid], qid) for qid in QUESTIONNAIRE_IDS if qid in survey.questionnaires}


def valid_answers(survey: Survey) -> list[Valid]:
    rows = Response.objects.filter(survey=survey).values_list(
        "group", "area", "school__code", "grade", "questionnaire", "answers", "satisfied")
    return [Valid(*row) for row in rows]


def rejections_of(survey: Survey) -> dict[str, int]:
    counts = dict(Rejection.objects.filter(survey=survey).values("reason").annotate(n=Sum("count"))
                  .values_list("reason", "n"))
    return {reason: counts.get(reason, 0) for reason in RejectReason.values}


@dataclass
class State:
    """Everything the bureau's pages and the exports show, computed once per request."""

    survey: Survey
    questionnaires: dict[str, Questionnaire]
    summary: Summary
    rejected: dict[str, int]
    table: TableVI

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def state_of(survey: Survey) -> State:
    questionnaires = questionnaires_of(survey)
    summary = summarise(valid_answers(survey), questionnaires)
    rejected = rejections_of(survey)
    table = TableVI(received=summary.overall.valid + sum(rejected.values()), valid=summary.overall.valid,
                    satisfied=summary.overall.satisfied, visited=survey.visited,
                    visit_satisfied=survey.visit_satisfied, method=str(params_of(survey)["recognition.method"]))
    return State(survey, questionnaires, summary, rejected, table)


def combined_rate(survey: Survey) -> Fraction | None:
    """综合满意度 (%) of the survey, exact."""
    return state_of(survey).table.combined_rate
