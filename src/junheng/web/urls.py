"""One line per capability app: a new app (survey, planning…) adds its own ``include``."""

from django.urls import include, path

from . import system
from .api import api

urlpatterns = [
    path("healthz", system.healthz, name="healthz"),
    path("", include("junheng.web.accounts.urls")),
    path("", include("junheng.web.reporting.urls")),
    path("", include("junheng.web.collection.urls")),
    path("", include("junheng.web.rectification.urls")),
    path("", include("junheng.planning.urls")),
    path("", include("junheng.web.tongji.urls")),
    path("", include("junheng.web.monitoring.urls")),
    path("api/", api.urls),
    path("survey/", include("junheng.web.survey.urls")),
    path("review/", include("junheng.web.review.urls")),
    path("onsite/", include("junheng.web.onsite.urls")),
]
