from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

urlpatterns = [
    path("<year:year>/schools/", views.schools_view, name="schools"),
    path("<year:year>/schools/<str:code>/", views.school_view, name="school"),
    path("<year:year>/schools/<str:code>/move/", views.school_move, name="school_move"),
    path("<year:year>/schools/<str:code>/upload/", views.school_upload, name="school_upload"),
    path("<year:year>/schools/<str:code>/results/", views.school_results, name="school_results"),
    path("<year:year>/county/", views.county_data_view, name="county_data"),
    path("<year:year>/import/", views.import_view, name="import"),
]
