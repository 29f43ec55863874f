"""What the survey gives S1 (社会认可度) for the engine: kept apart from the web app's dataset code.

Order of precedence: the official national figure the bureau imported (labelled 国家调查结果);
else the county's own survey once it is closed (its 综合满意度; an open survey's rate is still
moving and would re-run the evaluation on every answer); else whatever the county table holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from junheng.survey.results import TableVI

from .models import Survey, SurveyState


@dataclass(frozen=True)
class Recognition:
    rate: float  # percent, as the county table's recognition_rate
    label: str
    figures: dict[str, int] = field(default_factory=dict)  # 表Ⅵ's counts, canonical county fields


OFFICIAL_LABEL = "国家调查结果（已导入，优先于本县自查结果）"
SELF_SURVEY_LABEL = "本县自查调查结果"


def recognition_of(county_id: int, year: int, table: TableVI | None = None) -> Recognition | None:
    """S1's figure, its label and 表Ⅵ's counts; ``table`` is the survey's 表Ⅵ when the caller has it already."""
    from .tally import state_of

    survey = Survey.objects.filter(county=county_id, year=year).first()
    if survey is None:
        return None
    if survey.official_rate is not None:
        return Recognition(float(survey.official_rate), OFFICIAL_LABEL)
    if survey.state == SurveyState.CLOSED:
        table = table or state_of(survey).table
        rate = table.combined_rate
        if rate is not None:
            return Recognition(float(rate), SELF_SURVEY_LABEL, {
                "survey_questionnaires": table.received, "survey_valid": table.valid,
                "survey_satisfied": table.satisfied, "survey_visited": table.visited,
                "survey_visit_satisfied": table.visit_satisfied})
    return None


def county_row(cy) -> dict[str, Any] | None:
    """The county row for the engine: the stored table with S1 from the survey when it has a figure.

    ``None`` when there is neither a county table nor a survey figure (the engine then reports the
    county items as not assessed, as before)."""
    recognition = recognition_of(cy.county_id, cy.year)
    if recognition is None:
        return cy.county_values if cy.county_table_supplied else None
    base = dict(cy.county_values) if cy.county_table_supplied else {
        "year": cy.year, "county_name": cy.county.name, **({"county_code": cy.county.code} if cy.county.code else {})}
    return {**base, "recognition_rate": recognition.rate, **recognition.figures}
