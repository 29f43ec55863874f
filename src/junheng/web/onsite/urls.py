"""/onsite/… : 实地督导. Included by junheng.web.urls under ``onsite/``."""

from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…> and <id:…>)
from . import views

app_name = "onsite"

urlpatterns = [
    path("", views.home, name="home"),
    path("<id:county>/<year:year>/", views.county_year, name="county_year"),
    path("s/<id:pk>/", views.checklist, name="checklist"),
    path("s/<id:pk>/notice.docx", views.notice, name="notice"),
    path("s/<id:pk>/report/", views.report, name="report"),
    path("s/<id:pk>/report.docx", views.report_docx, name="report_docx"),
]
