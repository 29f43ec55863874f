"""What the web app stores: counties, schools, accounts, yearly submissions, problems, audit log.

Submissions keep each school-year's field values as JSON keyed by the canonical field ids of
:mod:`junheng.schema` (typed as the importer typed them); indicators are never stored here, they
come from the engine (cached per county and year in :class:`EvaluationSnapshot`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from junheng.standards import STANDARD_IDS


class Role(models.TextChoices):
    BUREAU = "bureau", "教育局管理员"
    SCHOOL = "school", "学校填报员"
    INSPECTOR = "inspector", "督导专家"
    # Reviewers above the county: they see every county whose code starts with their 行政区划 prefix.
    CITY = "city", "市级督导"
    PROVINCE = "province", "省级督导"


STANDARD_CHOICES = [(s, {"youzhi-2017": "优质均衡（教督〔2017〕6号）", "jiben-2012": "基本均衡（教督〔2012〕3号）"}[s])
                    for s in STANDARD_IDS]


class County(models.Model):
    name = models.CharField("县(区)", max_length=50, unique=True)
    code = models.CharField("县(区)代码", max_length=6, blank=True)
    standard_id = models.CharField("评估标准", max_length=20, choices=STANDARD_CHOICES, default="youzhi-2017")
    profile_yaml = models.TextField("地方实施方案（YAML）", blank=True)
    # Bumped (in the same transaction) by every change to what the county's results are computed
    # from: a stored result names the revision it was computed from, and only a result of the
    # current revision is ever shown.
    revision = models.PositiveBigIntegerField("数据版本", default=0)

    class Meta:
        verbose_name = "县(区)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="schools")
    code = models.CharField("学校标识码", max_length=20, unique=True)
    name = models.CharField("学校名称", max_length=100)

    class Meta:
        verbose_name = "学校"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Account(models.Model):
    """The role and scope of a user: a bureau or inspector belongs to a county, a school user to a
    school, a city or province reviewer to a 行政区划 prefix (``region_code``: 4 or 2 digits) and
    to no county."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")
    region_code = models.CharField("行政区划代码前缀", max_length=6, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")

    def __str__(self) -> str:
        return f"{self.user.username}（{self.get_role_display()}）"


class CollectionYear(models.Model):
    """One county's data collection for one school year, with the county-level tables."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField("年度")
    is_open = models.BooleanField("接受填报", default=True)
    county_values = models.JSONField("县级指标", default=dict, blank=True)
    monitoring_rows = models.JSONField("质量监测", default=list, blank=True)
    county_table_supplied = models.BooleanField(default=False)
    monitoring_supplied = models.BooleanField(default=False)

    class Meta:
        unique_together = [("county", "year")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} 年度"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已审核通过"


class Submission(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="submissions")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    values = models.JSONField("学校表数据", default=dict)
    rooms = models.JSONField("专用教室", default=list)
    # The school's one-line explanations of year-on-year moves, by field id (年度变化说明).
    explanations = models.JSONField("年度变化说明", default=dict, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    version = models.PositiveIntegerField(default=1, help_text="每次保存加一；过期的保存被拒绝")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("school", "year")]
        ordering = ["school__code"]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year}"

    @property
    def editable_by_school(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class EvaluationSnapshot(models.Model):
    """The engine's ``to_dict()`` for one county and year, computed from one data revision."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="snapshots")
    year = models.PositiveSmallIntegerField()
    official = models.BooleanField(help_text="只含审核通过的数据；否则含待审核数据（预览）")
    revision = models.PositiveBigIntegerField(default=0)
    result = models.JSONField(null=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("county", "year", "official", "revision")]


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待核验"
    CLOSED = "closed", "已销号"
    REOPENED = "reopened", "已重新打开"


# Who may move a problem from one status to another (the bureau may do every move).
PROBLEM_TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    ProblemStatus.OPEN: {ProblemStatus.IN_PROGRESS: (Role.SCHOOL, Role.BUREAU),
                         ProblemStatus.SUBMITTED: (Role.SCHOOL, Role.BUREAU)},
    ProblemStatus.IN_PROGRESS: {ProblemStatus.SUBMITTED: (Role.SCHOOL, Role.BUREAU)},
    ProblemStatus.REOPENED: {ProblemStatus.IN_PROGRESS: (Role.SCHOOL, Role.BUREAU),
                             ProblemStatus.SUBMITTED: (Role.SCHOOL, Role.BUREAU)},
    ProblemStatus.SUBMITTED: {ProblemStatus.CLOSED: (Role.BUREAU,), ProblemStatus.REOPENED: (Role.BUREAU,)},
    ProblemStatus.CLOSED: {ProblemStatus.REOPENED: (Role.BUREAU,)},
}


class Problem(models.Model):
    """One line of the 问题清单: from the evaluation's ``problems`` or an inspector's 复评反馈."""

    SOURCE_CHOICES = [("evaluation", "测算"), ("inspection", "复评反馈"), ("survey", "社会认可度调查"),
                      ("review", "市省复核意见"), ("warning", "监测预警"), ("onsite", "实地督导")]

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="problems")
    year = models.PositiveSmallIntegerField("年度")
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="problems")
    source = models.CharField("来源", max_length=20, choices=SOURCE_CHOICES, default="evaluation")
    key = models.CharField(max_length=200, help_text="同一问题在重新测算时的标识")
    stage = models.CharField("学段", max_length=10, blank=True)
    item = models.CharField("指标", max_length=10, blank=True)
    kind = models.CharField("类型", max_length=30, blank=True)
    value = models.FloatField("发现时数值", null=True, blank=True)
    standard = models.FloatField("标准", null=True, blank=True)
    shortfall = models.FloatField("缺口", null=True, blank=True)
    school_shortfall = models.FloatField("学校需补足", null=True, blank=True)
    unit = models.CharField("单位", max_length=10, blank=True)
    blocking = models.BooleanField("影响认定", default=True)
    message = models.TextField("问题描述")
    owner = models.CharField("责任人", max_length=50, blank=True)
    measure = models.TextField("整改措施", blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    resolved_in_data = models.BooleanField("最新测算已不再出现", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="每次修改加一；过期的修改被拒绝")

    class Meta:
        unique_together = [("county", "year", "key")]
        ordering = ["school__code", "stage", "item", "id"]

    def __str__(self) -> str:
        return self.message

    @property
    def county_level(self) -> bool:
        """A problem of the county itself (政府保障、差异系数…): the bureau owns it."""
        return self.school_id is None

    @property
    def overdue(self) -> bool:
        return (self.deadline is not None and self.status != ProblemStatus.CLOSED
                and self.deadline < timezone.localdate())

    def allowed_transitions(self, role: str) -> list[str]:
        moves = PROBLEM_TRANSITIONS.get(self.status, {})
        return [to for to, roles in moves.items() if role == Role.BUREAU or role in roles]


def evidence_path(instance: Evidence, filename: str) -> str:
    """A unique path that fits the column (100 characters): the name is shortened, its suffix kept."""
    today = dt.date.today()
    stem, dot, suffix = filename.rpartition(".")
    short = f"{stem[:40]}.{suffix[:10]}" if dot else filename[:50]
    return f"evidence/{instance.problem.county_id}/{today:%Y%m}/{secrets.token_hex(8)}-{short}"


class Evidence(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("佐证材料", upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """Append-only: who did what, when, and the values before and after."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField("操作人", max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    county = models.ForeignKey(County, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField("操作", max_length=50)
    target = models.CharField("对象", max_length=200, blank=True)
    summary = models.TextField("说明", blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["county", "at"], name="audit_county_at")]  # a county's log, newest first

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class LoginFailure(models.Model):
    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once. It expires
    (``API_TOKEN_DAYS``), can be revoked, and a password change or reset revokes them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        token = "jh_" + secrets.token_urlsafe(32)
        expires = timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)
        cls.objects.create(user=user, digest=cls.hash(token), expires_at=expires)
        return token

    @classmethod
    def valid(cls):
        return cls.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "已撤销"
        return "已过期" if self.expires_at is None or self.expires_at <= timezone.now() else "有效"

    @classmethod
    def revoke_all(cls, user) -> int:
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
