"""Pages of the running service rather than of a capability: the health check and the Chinese
page shown when a form's security token is refused."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

# Never shown back to the user: secrets and the refused token itself.
HIDDEN_FIELDS = ("csrfmiddlewaretoken", "password", "old_password", "new_password1", "new_password2")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the reverse proxy or a monitor: 200 when the app answers and its database does."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the monitor needs an answer, not a traceback
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, in Chinese, with what the user had typed so that nothing is lost.

    The values are shown as text to copy (not as a form to resend: resending a refused cross-site
    request with one click is exactly what the check exists to prevent).
    """
    typed = [(k, v) for k, values in request.POST.lists() for v in values
             if k not in HIDDEN_FIELDS and v.strip()] if request.method == "POST" else []
    return render(request, "web/csrf_failure.html", {"typed": typed[:200]}, status=403)
