from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

app_name = "monitoring"
urlpatterns = [
    path("<year:year>/monitoring/changes/", views.changes_view, name="changes"),
    path("<year:year>/monitoring/warnings/", views.warnings_view, name="warnings"),
    path("<year:year>/monitoring/warnings/dashboard/", views.dashboard_warnings, name="dashboard_warnings"),
    path("<year:year>/monitoring/warnings/raise/", views.raise_view, name="raise"),
]
