"""A county's survey for one year, its QR links (one per group and school, or per group and area),
the accepted answers (anonymous: no name, no address, only keyed hashes for abuse checks) and the
rejected ones, counted by reason."""

from __future__ import annotations

from django.db import models

from junheng.survey.plan import GROUP_ZH
from junheng.web.models import County, School


class SurveyState(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Survey(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=10, choices=SurveyState.choices, default=SurveyState.OPEN)
    residents = models.JSONField("常住人口", default=dict)  # 城区 / 镇区 / 乡村 → persons
    plan = models.JSONField("抽样方案", default=dict)  # junheng.survey.plan.SamplePlan.to_dict()
    questionnaires = models.JSONField("问卷", default=dict)  # questionnaire id → its YAML text for the year
    min_seconds_per_item = models.DecimalField("最短答题时间（秒/题）", max_digits=4, decimal_places=1)
    per_address_per_minute = models.PositiveIntegerField("同一网络地址每分钟最多提交份数")
    visited = models.PositiveIntegerField("实地走访人数", default=0)
    visit_satisfied = models.PositiveIntegerField("走访满意人数", default=0)
    official_rate = models.DecimalField("国家调查社会认可度（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    official_source = models.CharField("国家调查结果出处", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("county", "year")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} 年度社会认可度调查"

    @property
    def is_open(self) -> bool:
        return self.state == SurveyState.OPEN


class Link(models.Model):
    """What one QR code opens: a group's questionnaire for one school, or for one area county-wide."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    group = models.CharField("调查对象", max_length=20, choices=list(GROUP_ZH.items()))
    area = models.CharField("城乡", max_length=4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quota = models.PositiveIntegerField("配额", default=0)
    token = models.CharField(max_length=32, unique=True)

    class Meta:
        unique_together = [("survey", "group", "area", "school")]
        ordering = ["school__code", "area", "group"]

    def __str__(self) -> str:
        where = self.school.name if self.school_id else f"{self.area}（全县）"
        return f"{where} · {GROUP_ZH.get(self.group, self.group)}"


class Response(models.Model):
    """One accepted questionnaire. ``address`` and ``device`` are keyed hashes, used only to refuse
    repeats and are never exported; ``ticket`` is the one-time form ticket it was sent with."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="responses")
    group = models.CharField(max_length=20)
    area = models.CharField(max_length=4)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    questionnaire = models.CharField(max_length=20)
    answers = models.JSONField()  # item id → option position
    satisfied = models.BooleanField()
    satisfied_items = models.PositiveSmallIntegerField()
    counted_items = models.PositiveSmallIntegerField()
    seconds = models.PositiveIntegerField("答题用时（秒）")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ticket = models.CharField(max_length=32, unique=True)
    device = models.CharField(max_length=32)
    address = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["survey", "group", "device"]),
                   models.Index(fields=["survey", "address", "fingerprint"])]
        ordering = ["id"]


class RejectReason(models.TextChoices):
    CLOSED = "closed", "调查已结束后提交"
    RATE_LIMITED = "rate_limited", "提交过于频繁"
    BAD_TICKET = "bad_ticket", "答题凭证无效"
    EXPIRED = "expired", "答题凭证过期"
    REUSED_TICKET = "reused_ticket", "同一凭证重复提交（刷票）"
    DEVICE_REPEAT = "device_repeat", "同一设备重复提交"
    TOO_FAST = "too_fast", "答题时间过短"
    STRAIGHT_LINING = "straight_lining", "各题同一位置作答（与反向题矛盾）"
    DUPLICATE = "duplicate", "同一网络地址重复的相同答卷"


class Rejection(models.Model):
    """How many answers were refused, per link and reason (a count, so that a flood stays small)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rejections")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=RejectReason.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("survey", "link", "reason")]


class AddressWindow(models.Model):
    """Submissions per hashed address and minute, for the rate limit."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=32)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("survey", "address", "minute")]
