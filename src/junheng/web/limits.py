"""The request-size limit, applied before anything reads the body.

Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``) apply while it parses a body, after a
multipart upload has already been streamed to a temporary file. This WSGI wrapper answers 413
from the declared length alone, so a 300 MiB anonymous POST is refused without reading it; a
body sent without a length (chunked) is cut off at the same limit.
"""

from __future__ import annotations

import io

from django.conf import settings

from junheng.digits import ascii_int


class _Capped(io.RawIOBase):
    """``wsgi.input`` that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        data = self.stream.read(wanted)
        self.left -= len(data)
        if self.left < 0:
            raise ValueError("request body over the limit")
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(self.left + 1 if size is None or size < 0 else min(size, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise ValueError("request body over the limit")
        return data


class RequestSizeLimit:
    def __init__(self, app, limit: int | None = None):
        self.app, self.limit = app, limit

    def __call__(self, environ, start_response):
        limit = self.limit or settings.REQUEST_MAX_BYTES
        declared = environ.get("CONTENT_LENGTH") or ""
        if (ascii_int(declared, max_digits=30) or 0) > limit:
            body = f"请求内容过大（上限 {limit // (1024 * 1024)} MB），已拒绝。佐证材料请压缩或分次上传。".encode()
            start_response("413 Request Entity Too Large", [
                ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                ("Connection", "close")])
            return [body]
        if not declared.strip() and "wsgi.input" in environ:
            environ["wsgi.input"] = _Capped(environ["wsgi.input"], limit)
        return self.app(environ, start_response)
