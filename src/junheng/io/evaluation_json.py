"""The evaluation as the JSON of ``shared/design.md`` (``junheng evaluate --json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from junheng.io.files import atomic_path


def write_evaluation_json(evaluation, path: str | os.PathLike) -> Path:
    """Write ``evaluation.to_dict()`` (values unrounded), whole or not at all."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(evaluation.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(path)
