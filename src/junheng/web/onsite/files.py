"""The Word files of a sampled school, each built once and then served as a file.

The 整改通知 is named by the checklist version its findings came from; the 整改报告 by the report's
version and the newest evidence filed on its problems. A request finds the file of the current
name, or builds it (a small document) under a per-file lock; older versions are removed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone

from junheng.inspection.findings import write_notice
from junheng.inspection.rectification_report import write_rectification_report
from junheng.web.models import Evidence

from .models import RectificationReport, SampledSchool
from .services import stored_findings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _folder(sampled: SampledSchool) -> Path:
    return Path(settings.DATA_DIR) / "files" / "onsite" / str(sampled.visit.county_id)


def _built(path: Path, write) -> Path:
    """The file at ``path``, written once (one writer per file in this process; the write itself
    is atomic, so another process writing the same version only replaces it with the same file)."""
    with _locks_guard:
        lock = _locks.setdefault(path, threading.Lock())
    with lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path)
            stem = path.name.rsplit("-v", 1)[0]
            for old in path.parent.glob(f"{stem}-v*.docx"):
                if old != path:
                    old.unlink(missing_ok=True)
    return path


def _response(path: Path, filename: str) -> FileResponse:
    response = FileResponse(path.open("rb"), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def notice_path(sampled: SampledSchool) -> Path:
    """Named by the checklist version the findings came from, and by what else the notice says
    (the deadline and issuer of a regeneration from the same version)."""
    said = json.dumps([sampled.findings, sampled.deadline.isoformat(), sampled.issuer], ensure_ascii=False)
    digest = hashlib.sha256(said.encode()).hexdigest()[:12]
    return _folder(sampled) / f"{sampled.visit_id}-{sampled.school_id}-notice-v{sampled.findings_version}-{digest}.docx"


def notice_response(sampled: SampledSchool) -> FileResponse:
    """整改通知 of the findings as last generated (there is one only when there are findings)."""
    issued = timezone.localtime(sampled.findings_at).date()
    path = _built(notice_path(sampled), lambda p: write_notice(
        stored_findings(sampled), p, deadline=sampled.deadline, issuer=sampled.issuer, issued=issued))
    return _response(path, f"{sampled.school.name}-整改通知.docx")


def _evidence(report: RectificationReport) -> list[Evidence]:
    problems = {f["problem"]: f["row"]["field"] for f in report.sampled.findings or []}
    return list(Evidence.objects.filter(problem__in=problems).order_by("pk"))


def report_path(report: RectificationReport, evidence: list[Evidence]) -> Path:
    newest = evidence[-1].pk if evidence else 0
    return _folder(report.sampled) / f"{report.sampled.visit_id}-{report.sampled.school_id}-report-v{report.version}e{newest}.docx"


def report_response(report: RectificationReport) -> FileResponse:
    sampled = report.sampled
    evidence = _evidence(report)
    fields = {f["problem"]: f["row"]["field"] for f in sampled.findings or []}
    files: dict[str, list[str]] = {}
    for item in evidence:
        files.setdefault(fields[item.problem_id], []).append(item.original_name)
    submitted = timezone.localtime(report.submitted_at).date()
    path = _built(report_path(report, evidence), lambda p: write_rectification_report(
        stored_findings(sampled), report.answers, files, p, addressee=sampled.issuer, deadline=sampled.deadline,
        submitted=submitted))
    return _response(path, f"{sampled.school.name}-整改报告.docx")
