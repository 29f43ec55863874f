"""均衡 junheng: 县域义务教育优质均衡发展督导评估 — one pure engine, many faces.

``standards`` (parameters as data) → ``indicators`` → ``evaluate`` (verdicts, 差异系数) →
``problems`` → faces: ``cli``, ``io`` (import, template, 测算表, 问题清单), ``report``, ``web``.
"""

__version__ = "0.1.0"
