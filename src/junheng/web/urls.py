from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("token/", views.token_view, name="token"),
    path("years/", views.years_view, name="years"),
    path("users/", views.users_view, name="users"),
    path("standard/", views.standard_view, name="standard"),
    path("audit/", views.audit_view, name="audit"),
    path("<int:year>/", views.year_home, name="year_home"),
    path("<int:year>/dashboard/", views.dashboard_view, name="dashboard"),
    path("<int:year>/schools/", views.schools_view, name="schools"),
    path("<int:year>/schools/<str:code>/", views.school_view, name="school"),
    path("<int:year>/schools/<str:code>/move/", views.school_move, name="school_move"),
    path("<int:year>/schools/<str:code>/upload/", views.school_upload, name="school_upload"),
    path("<int:year>/schools/<str:code>/results/", views.school_results, name="school_results"),
    path("<int:year>/county/", views.county_data_view, name="county_data"),
    path("<int:year>/import/", views.import_view, name="import"),
    path("<int:year>/problems/", views.problems_view, name="problems"),
    path("<int:year>/problems/new/", views.finding_view, name="finding"),
    path("<int:year>/problems/<int:pk>/", views.problem_view, name="problem"),
    path("<int:year>/problems/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:year>/effects/", views.effects_view, name="effects"),
    path("<int:year>/reports/", views.reports_view, name="reports"),
    path("<int:year>/download/<str:kind>/", views.download_view, name="download"),
    path("api/", api.urls),
]
