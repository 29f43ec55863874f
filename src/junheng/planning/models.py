from __future__ import annotations

from django.conf import settings
from django.db import models

from junheng.web.models import County


class CountyPlan(models.Model):
    """One 达标规划 of a county and year, computed once for one revision of the official data and one
    set of options (budget, years, cost file); ``adopted`` lists the action rows already turned into
    整改措施."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField("年度")
    revision = models.CharField("数据版本", max_length=80, help_text="规划所依据的测算结果（审核通过数据）")
    options = models.CharField("规划条件", max_length=64, help_text="预算、年数与成本文件的摘要")
    budget = models.DecimalField("预算（元）", max_digits=16, decimal_places=0, null=True, blank=True)
    years = models.PositiveSmallIntegerField("规划年数", default=1)
    costs_yaml = models.TextField("成本参数（YAML）", blank=True)
    result = models.JSONField(null=True)
    error = models.TextField(blank=True)
    adopted = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("county", "year", "revision", "options")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} 年度达标规划"
