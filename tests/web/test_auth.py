"""Passwords, login throttling, CSRF, sessions and the append-only audit log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from junheng.web.models import AuditEntry, LoginFailure

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(world):
    from junheng.web import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert world.user_a.password.startswith("argon2$argon2id$")


def test_sessions_expire(world):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_login_is_audited(world, client, password):
    response = client.post(reverse("login"), {"username": "school-a", "password": password})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="login").latest("at")
    assert entry.actor == world.user_a and entry.ip == "127.0.0.1"


def test_five_failures_lock_the_username_for_this_address(world, client, password):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "school-a", "password": "wrong-password"})
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    response = client.post(reverse("login"), {"username": "school-a", "password": password})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.failed").count() == settings.LOGIN_FAILURE_LIMIT
    assert AuditEntry.objects.filter(action="login.locked").exists()
    # another address, or the lock window past, is not locked
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("login"), {"username": "school-a", "password": password}).status_code == 302
    LoginFailure.objects.update(at="2000-01-01T00:00:00Z")
    assert client.post(reverse("login"), {"username": "school-a", "password": password}).status_code == 302


def test_forms_need_the_csrf_token(world, password):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "school-a", "password": password}).status_code == 403
    client.force_login(world.bureau)
    assert client.post(reverse("years"), {"year": "2030"}).status_code == 403
    page = client.get(reverse("years")).content.decode()
    assert "csrfmiddlewaretoken" in page


def test_logout_is_a_post(world, login):
    client = login(world.user_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("school", args=[world.year, world.school_a.code])).status_code == 302


def test_audit_entries_cannot_be_changed_or_deleted(world):
    entry = AuditEntry.objects.first()
    entry.summary = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(summary="改写")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.summary != "改写"


def test_bureau_reads_the_audit_log(world, login):
    Client(REMOTE_ADDR="10.1.2.3").post(reverse("login"), {"username": "school-a", "password": "wrong"})
    Client().post(reverse("login"), {"username": "someone-else", "password": "wrong"})
    html = login(world.bureau).get(reverse("audit")).content.decode()
    assert "创建账号" in html and "导入全县数据" in html
    assert "10.1.2.3" in html and "login.failed" in html  # failed sign-ins of its own accounts
    assert "someone-else" not in html


def test_bureau_manages_users_and_years(world, login):
    client = login(world.bureau)
    client.post(reverse("users"), {"action": "create", "username": "new-school", "role": "school",
                                   "school": world.school_b.code, "password": "Another-pass-2024"})
    from junheng.web.models import Account

    acc = Account.objects.get(user__username="new-school")
    assert acc.school == world.school_b and acc.user.password.startswith("argon2$")
    client.post(reverse("users"), {"action": "toggle", "username": "new-school"})
    acc.user.refresh_from_db()
    assert not acc.user.is_active
    client.post(reverse("users"), {"action": "create", "username": "weak", "role": "inspector", "password": "123"})
    assert not Account.objects.filter(user__username="weak").exists()
    response = client.post(reverse("users"), {"action": "create", "username": "x" * 200, "role": "inspector",
                                              "password": "Another-pass-2024"}, follow=True)
    assert "用户名最多 150 个字符" in response.content.decode()
    response = client.post(reverse("schools", args=[world.year]), {"code": "9" * 30, "name": "过长"}, follow=True)
    assert "学校标识码最多 20 位" in response.content.decode()
    client.post(reverse("schools", args=[world.year]), {"code": "3301019999", "name": "清溪县新建小学"})
    assert world.county.schools.filter(code="3301019999").exists()
    client.post(reverse("years"), {"year": "2025"})
    assert world.county.years.filter(year=2025, is_open=True).exists()
    client.post(reverse("years"), {"year": "2025", "is_open": "0"})
    assert world.county.years.filter(year=2025, is_open=False).exists()


def test_standard_profile_is_checked_before_saving(world, login):
    client = login(world.bureau)
    response = client.post(reverse("standard"), {"standard_id": "youzhi-2017", "profile_yaml": "parameters: [1, 2"})
    assert response.status_code == 400 and "YAML" in response.content.decode()
    response = client.post(reverse("standard"), {"standard_id": "youzhi-2017",
                                                  "profile_yaml": "name: 某市方案\nparameters:\n  G7.min_per_pupil_funds: 8000\n"})
    assert response.status_code == 302
    world.county.refresh_from_db()
    assert "8000" in world.county.profile_yaml
    assert AuditEntry.objects.filter(action="standard.change").exists()
