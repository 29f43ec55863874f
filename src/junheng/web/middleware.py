"""Requests carrying a NUL character are refused up front.

No field of junheng can hold one, PostgreSQL cannot store one (text and jsonb both refuse it),
and letting one through would turn a typo or a probe into a server error deep in a query.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "请求中含有空字符（\\0），已拒绝"


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        return b"\\u0000" in request.body or b"\x00" in request.body
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in k or "\x00" in v for k, vs in request.POST.lists() for v in vs)
    return False


class RejectNulCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE, "errors": []}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)




class ContentSecurityPolicy:
    """Every answer carries the ``CONTENT_SECURITY_POLICY`` setting (scripts only from this site)."""

    def __init__(self, get_response):
        self.get_response = get_response
        from django.conf import settings

        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
