from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import county_views, findings, views

app_name = "review"
urlpatterns = [
    path("", views.rollup_view, name="rollup"),
    path("export/", views.export_view, name="export"),
    path("checks/", views.checks_view, name="checks"),
    path("findings/", findings.findings_view, name="findings"),
    path("findings/new/", findings.finding_view, name="finding"),
    path("county/<id:pk>/<year:year>/", county_views.county_view, name="county"),
    path("county/<id:pk>/<year:year>/schools/", county_views.schools_view, name="schools"),
    path("county/<id:pk>/<year:year>/schools/<str:code>/", county_views.school_view, name="school"),
    path("county/<id:pk>/<year:year>/problems/", county_views.problems_view, name="problems"),
    path("county/<id:pk>/<year:year>/problems/<id:problem_id>/", county_views.problem_view, name="problem"),
    path("county/<id:pk>/<year:year>/problems/<id:problem_id>/evidence/<id:evidence_id>/",
         county_views.evidence_download, name="evidence"),
]
