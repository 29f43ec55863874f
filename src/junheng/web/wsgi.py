"""WSGI entry point (any WSGI server, e.g. ``gunicorn junheng.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
application = get_wsgi_application()
