"""What the reviewers' pages keep: a compact summary of each county's stored result (per data
revision, so that the roll-up of 120 counties never opens 120 full results) and the cross-checks
of a region's year (per revision stamp of its counties)."""

from __future__ import annotations

from django.db import models

from junheng.web.models import County


class CountySummary(models.Model):
    """The roll-up's part of one county's official result (``county``: the engine's county dict
    with the stages cut to their CVs and counts), computed from the snapshot of ``revision``."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    revision = models.PositiveBigIntegerField()
    summary = models.JSONField(null=True)
    reason = models.TextField(blank=True, help_text="没有结果时的原因")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("county", "year", "revision")]


class CountyCheck(models.Model):
    """One county's own cross-checks for a year (against last year, against its county sheet),
    computed from ``revision``: a change in one county recomputes only that county's."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    revision = models.PositiveBigIntegerField()
    flags = models.JSONField(default=list)

    class Meta:
        unique_together = [("county", "year", "revision")]


class CrossCheck(models.Model):
    """The cross-checks of a region's counties for one year; ``stamp`` names the counties and
    revisions they were computed from (a new revision of any of them computes them again)."""

    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    stamp = models.CharField(max_length=64)
    flags = models.JSONField(default=list)
    counts = models.JSONField(default=list, help_text="各县本年度、上一年度审核通过的学校数")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("region_code", "year", "stamp")]
