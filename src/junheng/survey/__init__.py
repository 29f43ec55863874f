"""社会认可度 self-survey, the pure parts: sampling plan, questionnaires, scoring and the 表Ⅵ figures.

The web app (``junheng.web.survey``) stores surveys and answers and calls these functions; nothing
here touches Django. Rules are dated, referenced parameters in ``sampling.yaml``; the three
questionnaires (社会卷, 校长教师卷, 学生卷) are YAML in ``questionnaires/``.
"""

from .params import SurveyParams, load_params
from .plan import AREAS, GROUP_ZH, GROUPS, SamplePlan, SchoolInfo, plan_sample

__all__ = ["AREAS", "GROUPS", "GROUP_ZH", "SamplePlan", "SchoolInfo", "SurveyParams", "load_params", "plan_sample"]
