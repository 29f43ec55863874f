"""The plain functions the ``junheng`` CLI wires up: add_user, make_token, load, demo accounts."""

from __future__ import annotations

import pytest

from junheng.io import InputErrors
from junheng.io.dataset_writer import write_dataset_xlsx
from junheng.web import commands
from junheng.web.models import Account, ApiToken, AuditEntry, County, School, Status, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_migrate(monkeypatch):
    """The test database is already migrated; the commands' setup step has nothing to do."""
    monkeypatch.setattr(commands, "setup", lambda data_dir=None: None)


def test_load_imports_a_county_workbook_as_accepted(small_dataset, tmp_path):
    path = tmp_path / "清溪县.xlsx"
    write_dataset_xlsx(small_dataset, path)
    assert commands.load(path, 2024) == 4
    assert Submission.objects.filter(status=Status.ACCEPTED).count() == 4
    assert AuditEntry.objects.filter(action="import.county", actor_name="命令行").exists()


def test_load_refuses_a_bad_file_and_stores_nothing(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("年度,县(区),学校标识码\n2024,清溪县,1\n", encoding="utf-8")
    with pytest.raises(InputErrors):
        commands.load(path, 2024)
    assert not School.objects.exists()


def test_load_refuses_another_year(small_dataset, tmp_path):
    path = tmp_path / "清溪县.xlsx"
    write_dataset_xlsx(small_dataset, path)
    with pytest.raises(commands.CommandError, match="与所选年度 2023 不符"):
        commands.load(path, 2023)
    assert not Submission.objects.exists()


def test_add_user_and_make_token(world):
    password = commands.add_user("xiaozhang", "学校填报员", school=world.school_b.code)
    acc = Account.objects.get(user__username="xiaozhang")
    assert acc.role == "school" and acc.school == world.school_b and acc.user.check_password(password)
    commands.add_user("dudao2", "inspector", county="清溪县", password="Dudao-pass-2024")
    with pytest.raises(commands.CommandError, match="未知角色"):
        commands.add_user("x", "校长", county="清溪县")
    with pytest.raises(commands.CommandError, match="已存在"):
        commands.add_user("dudao2", "inspector", county="清溪县")
    with pytest.raises(commands.CommandError, match="没有名为"):
        commands.add_user("y", "inspector", county="不存在县")
    token = commands.make_token("xiaozhang")
    assert ApiToken.objects.get(digest=ApiToken.hash(token)).user == acc.user
    with pytest.raises(commands.CommandError):
        commands.make_token("nobody")


def test_first_bureau_account_creates_its_county():
    commands.add_user("admin", "bureau", county="新县", password="Xinxian-pass-2024")
    assert Account.objects.get(user__username="admin").county == County.objects.get(name="新县")
    with pytest.raises(commands.CommandError):
        commands.add_user("zj", "inspector", county="另一个县")


def test_demo_accounts_load_the_demo_county_once():
    lines = commands.demo_accounts()
    assert "演示县" in lines[0] and len(lines) == 6
    schools = School.objects.count()
    again = commands.demo_accounts()
    assert School.objects.count() == schools and again[1] != lines[1]  # new passwords each start
    assert {a.role for a in Account.objects.all()} == {"bureau", "inspector", "school", "city", "province"}
    # the reviewers see the demo county through its 行政区划 code (330101: city 3301, province 33)
    county = County.objects.get()
    reviewers = {a.role: a for a in Account.objects.filter(role__in=("city", "province"))}
    assert reviewers["city"].region_code == county.code[:4] and reviewers["province"].region_code == county.code[:2]
    assert reviewers["city"].county is None


def test_serve_migrates_a_new_data_folder_and_answers(tmp_path):
    """``serve`` in a fresh folder: the SQLite file is created and migrated, pages and static files answer."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["JUNHENG_DATA"] = str(tmp_path / "junheng-data")
    server = subprocess.Popen([sys.executable, "-c", f"from junheng.web.commands import serve; serve('127.0.0.1', {port})"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not answer")
        assert "登录" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/htmx/htmx.min.js", timeout=2) as response:
            assert response.status == 200
        assert (tmp_path / "junheng-data" / "junheng.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
