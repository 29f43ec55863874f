from django.urls import path

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

urlpatterns = [path("<year:year>/tongji/", views.upload_view, name="tongji_upload")]
