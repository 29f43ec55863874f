from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

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
]
