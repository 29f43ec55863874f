from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

urlpatterns = [
    path("<year:year>/monitoring/changes/", views.changes_view, name="year_changes"),
    path("<year:year>/monitoring/warnings/", views.warnings_view, name="warnings"),
    path("<year:year>/monitoring/warnings/dashboard/", views.dashboard_warnings, name="warnings_dashboard"),
    path("<year:year>/monitoring/warnings/raise/", views.raise_view, name="warning_raise"),
    path("<year:year>/monitoring/schools/<str:code>/", views.school_trend, name="school_trend"),
]
