import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from cchc.core.runtime import settle_after_startup  # noqa: E402 - needs the loaded application

settle_after_startup()
