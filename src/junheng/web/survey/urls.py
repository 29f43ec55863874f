"""/survey/… (the bureau's pages) and /survey/r/<token>/ (respondents). Included by junheng.web.urls,
whose ``year`` converter these patterns use."""

from django.urls import path

from . import public, views

app_name = "survey"

urlpatterns = [
    path("", views.home, name="home"),
    path("r/<str:token>/", public.respond, name="respond"),
    path("<year:year>/", views.detail, name="detail"),
    path("<year:year>/live/", views.live, name="live"),
    path("<year:year>/do/<str:name>/", views.action, name="action"),
    path("<year:year>/problems/", views.problems, name="problems"),
    path("<year:year>/questionnaires/<str:qid>/", views.questionnaire, name="questionnaire"),
    path("<year:year>/qr/", views.qr_sheets, name="qr"),
    path("<year:year>/qr/<str:token>.<str:kind>", views.qr_image, name="qr_image"),
    path("<year:year>/export/", views.export_xlsx, name="export"),
]
