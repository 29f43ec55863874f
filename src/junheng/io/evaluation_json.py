"""The evaluation as the JSON of ``shared/design.md`` (``junheng evaluate --json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_evaluation_json(evaluation, path: str | os.PathLike) -> Path:
    """Write ``evaluation.to_dict()`` (values unrounded), whole or not at all."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(json.dumps(evaluation.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
