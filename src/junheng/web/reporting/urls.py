from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

urlpatterns = [
    path("<year:year>/dashboard/", views.dashboard_view, name="dashboard"),
    path("<year:year>/reports/", views.reports_view, name="reports"),
    path("<year:year>/download/<str:kind>/", views.download_view, name="download"),
]
