"""WSGI entry point: ``junheng serve`` runs it under granian; any WSGI server can
(``granian --interface wsgi junheng.web.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

from junheng.web.limits import RequestSizeLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
application = RequestSizeLimit(get_wsgi_application())
