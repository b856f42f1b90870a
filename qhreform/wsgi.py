"""WSGI entry point (gunicorn qhreform.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qhreform.settings")

application = get_wsgi_application()
