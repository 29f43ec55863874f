from django.urls import path

from junheng.web import converters  # noqa: F401  (registers <year:…> and <id:…>)

from . import views

urlpatterns = [
    path("<year:year>/plan/", views.plan_view, name="plan"),
    path("<year:year>/plan/<id:pk>/adopt/", views.adopt_view, name="plan_adopt"),
]
