"""The bureau's administration: collection years, accounts (a password reset revokes the
user's API tokens), the county's standard. Each change is audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from junheng.standards import StandardError

from .. import audit
from ..models import Account, ApiToken, CollectionYear, County, Role, School
from ..monitoring.new_year import open_drafts
from ..results import bump_revision, standard_of
from ..services import WorkflowError


def change_year(acc: Account, data, request: HttpRequest | None = None) -> CollectionYear:
    """Open a new collection year, or open / close an existing one for school submissions."""
    try:
        year = int(data.get("year", ""))
    except ValueError:
        raise WorkflowError("年度须为四位数字，如 2024") from None
    if not 2000 <= year <= 2100:
        raise WorkflowError("年度须在 2000 到 2100 之间")
    with transaction.atomic():
        cy, created = CollectionYear.objects.get_or_create(county=acc.county, year=year)
        if not created and "is_open" not in data:  # 开设 clicked twice: the year stays as it is
            raise WorkflowError(f"{year} 年度已开设")
        drafts = open_drafts(cy) if created else 0  # last year's accepted identity and buildings
        if not created:
            cy.is_open = data.get("is_open") == "1"
            cy.save(update_fields=["is_open"])
        summary = "开设年度" + (f"，{drafts} 所学校的草稿已带入上一年度审核通过的基本信息和校舍数据" if drafts else "")
        audit.record(acc.user, "year.create" if created else "year.update", request=request, county=acc.county,
                     target=str(cy), summary=summary if created else ("开放填报" if cy.is_open else "关闭填报"),
                     after={"year": year, "is_open": cy.is_open, **({"drafts": drafts} if created else {})})
    return cy


# A reviewer's 行政区划 prefix: a 市 is the first 4 digits of its counties' codes, a 省 the first 2.
REGION_DIGITS = {Role.CITY: 4, Role.PROVINCE: 2}


def check_region(role: str, region_code: str, county: County | None) -> str:
    """A reviewer's prefix (digits, 4 for a 市, 2 for a 省) and no county; no prefix for anyone else."""
    region_code = (region_code or "").strip()
    if role not in REGION_DIGITS:
        if region_code:
            raise WorkflowError("只有市级督导、省级督导账号需要行政区划代码")
        return ""
    digits = REGION_DIGITS[role]
    label = Role(role).label
    if not (len(region_code) == digits and region_code.isascii() and region_code.isdigit()):
        raise WorkflowError(f"{label}的行政区划代码须为 {digits} 位数字（如 {'3201' if digits == 4 else '32'}），"
                            f"收到“{region_code}”")
    if county is not None:
        raise WorkflowError(f"{label}不属于某个县(区)，请只指定行政区划代码")
    return region_code


def create_account(username: str, role: str, county: County | None, school: School | None, password: str,
                   actor=None, request: HttpRequest | None = None, region_code: str = "") -> Account:
    username = username.strip()
    if not role:
        raise WorkflowError("请选择角色")
    if role not in Role.values:
        raise WorkflowError(f"未知角色“{role}”，可选：{'、'.join(Role.values)}")
    if not username:
        raise WorkflowError("请填写用户名")
    region_code = check_region(role, region_code, county)
    if role not in REGION_DIGITS and county is None:
        raise WorkflowError("请指定县(区)")
    if role == Role.SCHOOL and school is None:
        raise WorkflowError("学校填报员须指定学校")
    if school is not None and (county is None or school.county_id != county.id):
        raise WorkflowError("学校不属于该县(区)")
    User = get_user_model()
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        raise WorkflowError("用户名最多 150 个字符，只能包含字母、数字和 @ . + - _") from None
    if User.objects.filter(username=username).exists():
        raise WorkflowError(f"用户名“{username}”已存在")
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise WorkflowError("密码不符合要求：" + "；".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    acc = Account.objects.create(user=user, role=role, county=county, region_code=region_code,
                                 school=school if role == Role.SCHOOL else None)
    audit.record(actor, "user.create", request=request, county=county, target=username,
                 summary=f"创建账号（{acc.get_role_display()}" + (f"，行政区划 {region_code}" if region_code else "") + "）",
                 after={"username": username, "role": role, "school": school.code if school else None,
                        **({"region_code": region_code} if region_code else {})})
    return acc


def change_user(acc: Account, data, request: HttpRequest | None = None) -> None:
    """Create an account in the bureau's county, (de)activate one, or set a new password."""
    action = data.get("action")
    if action == "create":
        if data.get("role", "") in REGION_DIGITS:
            raise WorkflowError("市级、省级督导账号不属于某个县(区)，由系统管理员用命令行创建（junheng users add --role city --region 3201）")
        school = School.objects.filter(county=acc.county_id, code=data.get("school", "")).first()
        create_account(data.get("username", ""), data.get("role", ""), acc.county, school,
                       data.get("password", ""), acc.user, request)
        return
    target = Account.objects.filter(county=acc.county_id, user__username=data.get("username", "")).first()
    if target is None:
        raise WorkflowError("没有这个账号")
    if target.user_id == acc.user_id:
        raise WorkflowError("不能停用或重置自己的账号，请使用“修改密码”")
    if action == "toggle":
        target.user.is_active = not target.user.is_active
        target.user.save(update_fields=["is_active"])
        audit.record(acc.user, "user.active", request=request, county=acc.county, target=target.user.username,
                     summary="启用账号" if target.user.is_active else "停用账号",
                     before={"is_active": not target.user.is_active}, after={"is_active": target.user.is_active})
    elif action == "password":
        password = data.get("password", "")
        try:
            validate_password(password, target.user)
        except ValidationError as exc:
            raise WorkflowError("密码不符合要求：" + "；".join(exc.messages)) from None
        target.user.set_password(password)
        target.user.save(update_fields=["password"])
        revoked = ApiToken.revoke_all(target.user)
        audit.record(acc.user, "user.password", request=request, county=acc.county, target=target.user.username,
                     summary="重置密码" + (f"，撤销其 API 令牌 {revoked} 个" if revoked else ""))
    else:
        raise WorkflowError("未知操作")


def change_standard(acc: Account, standard_id: str, profile_yaml: str, request: HttpRequest | None = None) -> None:
    """The county's standard and local profile; a profile that does not load is refused."""
    county = acc.county
    before = {"standard_id": county.standard_id, "profile_yaml": county.profile_yaml}
    county.standard_id, county.profile_yaml = standard_id, profile_yaml.replace("\r\n", "\n")
    try:
        standard_of(county)
    except StandardError as exc:
        raise WorkflowError(str(exc)) from None
    with transaction.atomic():
        county.save(update_fields=["standard_id", "profile_yaml"])
        old, new = audit.changed(before, {"standard_id": county.standard_id, "profile_yaml": county.profile_yaml})
        audit.record(acc.user, "standard.change", request=request, county=county, target=county.name,
                     summary="修改评估标准或地方实施方案", before=old, after=new)
        bump_revision(county.id)
