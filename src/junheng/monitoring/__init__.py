"""年度监测 and review checks that reviewers do by hand today (``shared/spec/data.md``).

* year on year: a school's field that moved more than a parameter's share since last year, or a
  value that cannot ordinarily fall (building areas) that fell — each needs the school's
  explanation and the bureau's review;
* lists: schools that disappeared since last year, new schools, a code whose name changed;
* identity: one 学校标识码 under two counties in one year;
* totals: the county sheet's 专任教师总数 against the sum of the schools' compulsory-stage teachers.
"""

from junheng.monitoring.checks import Flag, check_dataset, load_check_parameters, year_on_year
from junheng.monitoring.trends import EarlyWarning, early_warnings

__all__ = ["EarlyWarning", "Flag", "check_dataset", "early_warnings", "load_check_parameters", "year_on_year"]
