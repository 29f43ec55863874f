"""A county's on-site visits: the recorded draw, each sampled school's checklist with its findings,
and the school's 整改报告 answering them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from junheng.web.models import County, Role, School


class Visit(models.Model):
    """One draw of schools to visit, kept with everything needed to draw it again: the schools it
    was drawn from (``population``), the seed and the parameters in force."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    visit_date = models.DateField("督导日期")
    notice_date = models.DateField("通知学校日期")
    seed = models.PositiveBigIntegerField("随机种子")
    population = models.JSONField("抽样范围学校")  # the rows the draw was made from
    strata = models.JSONField("分层")  # stratum → [schools in it, schools drawn]
    parameters = models.JSONField("抽样参数")
    revision = models.PositiveBigIntegerField("数据版本")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    drawn_by_name = models.CharField("抽样人", max_length=150)
    drawn_by_role = models.CharField("抽样人角色", max_length=20, choices=Role.choices)
    drawn_at = models.DateTimeField("抽样时间")
    version = models.PositiveIntegerField(default=1, help_text="每次重抽加一；过期的重抽被拒绝")

    class Meta:
        unique_together = [("county", "year", "visit_date")]
        ordering = ["-visit_date"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} 年度实地督导（{self.visit_date.isoformat()}）"


class SampledSchool(models.Model):
    """A drawn school: its checklist (reported values as drawn, observed values as entered) and the
    findings last generated from it (with the checklist version they came from)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField("分层", max_length=40)
    school_type = models.CharField("学校类型", max_length=20)
    area_type = models.CharField("城乡类型", max_length=10, blank=True)
    items = models.JSONField("核查项目")  # [{field, label, item, evidence, reported}]
    observed = models.JSONField("实地核查值", default=dict)  # field → number
    notes = models.JSONField("说明", default=dict)  # field → text
    version = models.PositiveIntegerField(default=1, help_text="每次保存加一；过期的保存被拒绝")
    checked_by_name = models.CharField("核查人", max_length=150, blank=True)
    checked_at = models.DateTimeField("核查保存时间", null=True, blank=True)
    findings = models.JSONField("核查发现", null=True, blank=True)  # [{row…, difference, message, problem}]
    findings_version = models.PositiveIntegerField("核查发现所依据的核查表版本", null=True, blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    issuer = models.CharField("通知单位", max_length=100, blank=True)
    findings_at = models.DateTimeField("生成核查发现时间", null=True, blank=True)

    class Meta:
        unique_together = [("visit", "school")]
        ordering = ["stratum", "school__code"]

    def __str__(self) -> str:
        return f"{self.school.name}（{self.visit}）"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回修改"


class RectificationReport(models.Model):
    """The school's answer to its 整改通知: what was done about each finding (by field)."""

    sampled = models.OneToOneField(SampledSchool, on_delete=models.CASCADE, related_name="report")
    answers = models.JSONField("整改情况", default=dict)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    return_reason = models.TextField("退回原因", blank=True)
    version = models.PositiveIntegerField(default=1, help_text="每次保存加一；过期的保存被拒绝")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by_name = models.CharField("提交人", max_length=150, blank=True)

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
