"""The engine's files for a county and year (测算表, 问题清单, Word 督导评估报告), built once per
data revision in the background and then served as files.

Building a Word report costs seconds of CPU: it never runs on a request. The first request for a
revision starts one build (one per process via a set, one across server processes via an
exclusive lock file) and gets a "正在生成" page that reloads itself; every later request is a
plain file download. A file is published only if the data did not change while it was built.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from junheng.io.export import write_evaluation_xlsx
from junheng.io.problem_book import write_problem_book
from junheng.report import write_report

from ..models import CollectionYear
from ..results import current_revision, evaluate_year

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STALE_LOCK_SECONDS = 15 * 60  # a build that died (server killed) leaves its lock behind


@dataclass(frozen=True)
class EngineFile:
    writer: Callable
    suffix: str
    label: str  # part of the downloaded file's name
    content_type: str


ENGINE_FILES = {
    "measures": EngineFile(write_evaluation_xlsx, ".xlsx", "测算表", XLSX),
    # The engine's list of shortfalls; the tracking list (整改进度) downloads under another name.
    "problem-book": EngineFile(write_problem_book, ".xlsx", "问题清单（测算结果）", XLSX),
    "report": EngineFile(write_report, ".docx", "督导评估报告", DOCX),
}

_building: set[tuple] = set()
_building_lock = threading.Lock()


def folder(cy: CollectionYear) -> Path:
    return Path(settings.DATA_DIR) / "files" / str(cy.county_id)


def built_path(cy: CollectionYear, kind: str, revision: int) -> Path:
    return folder(cy) / f"{cy.year}-{kind}-r{revision}{ENGINE_FILES[kind].suffix}"


def attachment_name(cy: CollectionYear, kind: str) -> str:
    spec = ENGINE_FILES[kind]
    return f"{cy.county.name}{cy.year}年度{spec.label}{spec.suffix}"


def content_disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def engine_file(request: HttpRequest, cy: CollectionYear, kind: str) -> HttpResponse:
    """The file of the current revision, or a page saying it is being built (202)."""
    revision = current_revision(cy.county_id)
    path = built_path(cy, kind, revision)
    if path.exists():
        response = FileResponse(path.open("rb"), content_type=ENGINE_FILES[kind].content_type)
        response["Content-Disposition"] = content_disposition(attachment_name(cy, kind))
        return response
    failure = path.with_suffix(".error")
    if failure.exists() and request.GET.get("retry") != "1":
        return render(request, "web/building.html", {"cy": cy, "label": ENGINE_FILES[kind].label,
                                                     "error": failure.read_text(encoding="utf-8")}, status=500)
    failure.unlink(missing_ok=True)
    start_build(cy, kind, revision)
    return render(request, "web/building.html", {"cy": cy, "label": ENGINE_FILES[kind].label}, status=202)


def start_build(cy: CollectionYear, kind: str, revision: int) -> None:
    key = (cy.county_id, cy.year, kind, revision)
    with _building_lock:
        if key in _building:
            return
        _building.add(key)
    threading.Thread(target=_build_in_thread, args=(cy.pk, kind, revision, key), daemon=True,
                     name=f"junheng-build-{kind}").start()


def _build_in_thread(cy_pk: int, kind: str, revision: int, key: tuple) -> None:
    try:
        build(CollectionYear.objects.select_related("county").get(pk=cy_pk), kind, revision)
    except Exception:
        logger.exception("building %s for %s failed", kind, key)
    finally:
        with _building_lock:
            _building.discard(key)
        connection.close()  # this thread's own connection


def build(cy: CollectionYear, kind: str, revision: int) -> Path | None:
    """Write the file of ``revision`` unless another process is writing it or the data moved on."""
    path = built_path(cy, kind, revision)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_suffix(".lock")
    if not _acquire(lock):
        return None
    part = path.with_suffix(f".part{os.getpid()}")
    try:
        if path.exists() or current_revision(cy.county_id) != revision:
            return None
        try:
            ENGINE_FILES[kind].writer(evaluate_year(cy, official=True), part)
        except Exception as exc:
            logger.exception("%s of %s %s", kind, cy.county.name, cy.year)
            path.with_suffix(".error").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            return None
        if current_revision(cy.county_id) != revision:
            return None  # the data changed while building: this file would mislabel it
        os.replace(part, path)
        for old in path.parent.glob(f"{cy.year}-{kind}-r*"):
            if old != path and not old.name.endswith(".lock"):
                old.unlink(missing_ok=True)
        return path
    finally:
        part.unlink(missing_ok=True)
        lock.unlink(missing_ok=True)


def _acquire(lock: Path) -> bool:
    for _ in range(2):
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime < STALE_LOCK_SECONDS:
                    return False
                lock.unlink(missing_ok=True)
            except FileNotFoundError:
                pass
    return False
