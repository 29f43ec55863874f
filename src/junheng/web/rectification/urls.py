from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…> and <id:…>)
from . import views

urlpatterns = [
    path("<year:year>/problems/", views.problems_view, name="problems"),
    path("<year:year>/problems/new/", views.finding_view, name="finding"),
    path("<year:year>/problems/<id:pk>/", views.problem_view, name="problem"),
    path("<year:year>/problems/<id:pk>/evidence/<id:evidence_id>/", views.evidence_download, name="evidence"),
    path("<year:year>/effects/", views.effects_view, name="effects"),
]
