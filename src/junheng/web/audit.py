"""Writing the append-only audit log: every data change, status transition and login."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import AuditEntry, County


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address for throttling and the audit log.

    ``REMOTE_ADDR``, unless the request comes from a reverse proxy named in ``TRUSTED_PROXIES``:
    then the nearest address that proxy put in ``TRUSTED_PROXY_HEADER`` (addresses further left
    were written by the client and prove nothing). A forged header from anyone else is ignored.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    if remote not in settings.TRUSTED_PROXIES:
        return remote
    header = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    for address in reversed(request.META.get(header, "").split(",")):
        address = address.strip()
        if address and address not in settings.TRUSTED_PROXIES:
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def record(actor: Any, action: str, *, request: HttpRequest | None = None, county: County | None = None,
           target: str = "", summary: str = "", before: Any = None, after: Any = None) -> AuditEntry:
    """Append one entry; ``actor`` is a user, or ``None`` for the command line."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else (str(actor) if actor else "命令行"),
        ip=client_ip(request),
        county=county,
        action=action,
        target=target,
        summary=summary,
        before=before,
        after=after,
    )


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, so that an entry shows what was changed."""
    keys = sorted(set(before) | set(after))
    diff = [k for k in keys if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in diff}, {k: after.get(k) for k in diff}
