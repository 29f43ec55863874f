"""The early warnings of one county and year, computed once per data revision."""

from __future__ import annotations

from django.db import models

from junheng.web.models import County


class WarningSnapshot(models.Model):
    """:func:`junheng.monitoring.early_warnings` over the county's accepted years up to ``year``,
    computed from data revision ``revision`` (the county's revision covers every year)."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    revision = models.PositiveBigIntegerField()
    years = models.JSONField(default=list, help_text="参与趋势测算的年度")
    warnings = models.JSONField(default=list)
    cv_series = models.JSONField(default=list, help_text="各学段各指标差异系数的逐年值")
    error = models.TextField(blank=True, help_text="预警测算出错时的说明")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("county", "year", "revision")]
