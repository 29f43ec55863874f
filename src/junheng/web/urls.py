from django.urls import path, register_converter

from junheng.planning import views as planning

from . import views
from .api import api


class YearConverter:
    """A four-digit school year (anything else is 404, never a database overflow)."""

    regex = "(19|20|21)[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class IdConverter(YearConverter):
    regex = "[0-9]{1,15}"


register_converter(YearConverter, "year")
register_converter(IdConverter, "id")

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
    path("<year:year>/", views.year_home, name="year_home"),
    path("<year:year>/dashboard/", views.dashboard_view, name="dashboard"),
    path("<year:year>/schools/", views.schools_view, name="schools"),
    path("<year:year>/schools/<str:code>/", views.school_view, name="school"),
    path("<year:year>/schools/<str:code>/move/", views.school_move, name="school_move"),
    path("<year:year>/schools/<str:code>/upload/", views.school_upload, name="school_upload"),
    path("<year:year>/schools/<str:code>/results/", views.school_results, name="school_results"),
    path("<year:year>/county/", views.county_data_view, name="county_data"),
    path("<year:year>/import/", views.import_view, name="import"),
    path("<year:year>/problems/", views.problems_view, name="problems"),
    path("<year:year>/problems/new/", views.finding_view, name="finding"),
    path("<year:year>/problems/<id:pk>/", views.problem_view, name="problem"),
    path("<year:year>/problems/<id:pk>/evidence/<id:evidence_id>/", views.evidence_download, name="evidence"),
    path("<year:year>/effects/", views.effects_view, name="effects"),
    path("<year:year>/reports/", views.reports_view, name="reports"),
    path("<year:year>/download/<str:kind>/", views.download_view, name="download"),
    path("<year:year>/plan/", planning.plan_view, name="plan"),
    path("<year:year>/plan/<id:pk>/adopt/", planning.adopt_view, name="plan_adopt"),
    path("api/", api.urls),
]
