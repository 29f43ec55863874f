"""Writing the append-only audit log: every data change, status transition and login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditEntry, County


def client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
