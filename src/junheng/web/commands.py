"""Plain functions behind the ``junheng`` command's web subcommands (the CLI wires them up).

Failures raise :class:`CommandError` (or the importer's ``InputErrors``) with a Chinese message,
for the CLI to print and exit 2.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEMO_DATA_DIR = "junheng-demo"


class CommandError(ValueError):
    """A web command could not be carried out; the message is Chinese."""


def setup(data_dir: str | os.PathLike | None = None) -> None:
    """Configure Django (settings ``junheng.web.settings``) and bring the database up to date."""
    if data_dir is not None:
        os.environ["JUNHENG_DATA"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def pooled_server(workers: int):
    """Django's WSGI server (the one behind ``runserver``) with a fixed pool of worker threads
    instead of a thread per request, so that each worker keeps its database connection."""
    from concurrent.futures import ThreadPoolExecutor

    from django.core.servers.basehttp import WSGIServer

    class PooledWSGIServer(WSGIServer):
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="junheng-web")
        request_queue_size = 256  # the listen backlog: bursts of users must not see refused connections

        def process_request(self, request, client_address):
            self.pool.submit(self._handle, request, client_address)

        def _handle(self, request, client_address):
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    return PooledWSGIServer


def serve(host: str = "127.0.0.1", port: int = 8000, demo: bool = False, workers: int = 8) -> None:
    """Run the web app with Django's own WSGI server (no autoreload, no debug), ``workers``
    threads. Data lives in ``./junheng-data/`` (``./junheng-demo/`` with ``demo``), or in
    PostgreSQL when ``DATABASE_URL`` is set."""
    if demo and "JUNHENG_DATA" not in os.environ:
        os.environ["JUNHENG_DATA"] = DEMO_DATA_DIR
    setup()
    from django.conf import settings
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    if demo:
        for line in demo_accounts():
            print(line)
    where = settings.DATABASES["default"]["NAME"]
    print(f"junheng 网页版：http://{host}:{port}/  （数据：{where}；按 Ctrl+C 停止）", flush=True)
    try:
        run(host, int(port), get_wsgi_application(), threading=False, server_cls=pooled_server(workers))
    except KeyboardInterrupt:
        print("已停止")


def _county(name_or_code: str | None, create: bool = False):
    """The county named (or coded) so; the first bureau account of a new county creates it."""
    from .models import County

    if not name_or_code:
        return None
    county = County.objects.filter(name=name_or_code).first() or County.objects.filter(code=name_or_code).first()
    if county is None and create:
        county = County.objects.create(name=name_or_code)
    if county is None:
        raise CommandError(f"没有名为（或代码为）“{name_or_code}”的县(区)；请先导入该县数据或创建其教育局管理员账号")
    return county


def _role(role: str) -> str:
    from .models import Role

    by_label = {label: value for value, label in Role.choices}
    found = role if role in Role.values else by_label.get(role)
    if found is None:
        raise CommandError(f"未知角色“{role}”，可选：{'、'.join(f'{v}（{lbl}）' for v, lbl in Role.choices)}")
    return found


def add_user(username: str, role: str, school: str | None = None, county: str | None = None,
             password: str | None = None) -> str:
    """Create an account; ``role`` is bureau / school / inspector (or its Chinese name), ``school``
    a 学校标识码 (school role), ``county`` a county name or code (the others; a bureau account
    for a county not yet known creates the county). Returns the password (a generated one when
    none is given)."""
    setup()
    return _create_user(username, role, school, county, password)


def _create_user(username: str, role: str, school: str | None, county: str | None, password: str | None) -> str:
    from .models import School
    from .services import WorkflowError, create_account

    role = _role(role)
    school_obj = None
    if school:
        school_obj = School.objects.filter(code=school).first()
        if school_obj is None:
            raise CommandError(f"没有学校标识码为 {school} 的学校")
    county_obj = _county(county, create=role == "bureau") or (school_obj.county if school_obj else None)
    if county_obj is None:
        raise CommandError("请指定县(区)（教育局管理员、督导专家）或学校（学校填报员）")
    password = password or secrets.token_urlsafe(9)
    try:
        create_account(username, role, county_obj, school_obj, password)
    except WorkflowError as exc:
        raise CommandError(str(exc)) from None
    return password


def make_token(username: str) -> str:
    """A new API bearer token for ``username`` (shown once; only its hash is stored)."""
    setup()
    from django.contrib.auth import get_user_model

    from . import audit
    from .models import ApiToken

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户“{username}”")
    token = ApiToken.issue(user)
    audit.record(None, "token.create", target=username, summary="命令行创建 API 令牌")
    return token


def load(path: str | os.PathLike, year: int) -> int:
    """Import a county data set (workbook or CSV folder) as accepted submissions of ``year``.
    Returns the number of schools; raises the importer's ``InputErrors`` on bad input."""
    setup()
    from junheng.io import read_dataset

    from .services import WorkflowError, import_county

    dataset = read_dataset(Path(path))
    try:
        _, count = import_county(dataset, int(year))
    except WorkflowError as exc:
        raise CommandError(str(exc)) from None
    return count


DEMO_USERS = (("jyj", "bureau"), ("zhuanjia", "inspector"))


def demo_accounts() -> list[str]:
    """Load the demo county once and (re)set its accounts' passwords; returns lines to print."""
    from django.contrib.auth import get_user_model

    from junheng.demo import demo_dataset

    from .models import County, Role, School
    from .services import import_county

    dataset = demo_dataset()
    year = int(dataset.schools.get_column("year").max())
    name = dataset.schools.get_column("county_name")[0]
    county = County.objects.filter(name=name).first()
    if county is None:
        county = import_county(dataset, year)[0].county
    school = School.objects.filter(county=county).order_by("code").first()
    wanted = [*DEMO_USERS, (f"xuexiao{school.code[-4:]}", "school")]
    lines = [f"演示县：{county.name} {year} 年度，学校 {county.schools.count()} 所。演示账号（密码每次启动重新生成）："]
    User = get_user_model()
    for username, role in wanted:
        password = secrets.token_urlsafe(9)
        user = User.objects.filter(username=username).first()
        if user is None:
            _create_user(username, role, school.code if role == Role.SCHOOL else None, county.name, password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        label = dict(Role.choices)[role] + (f"（{school.name}）" if role == Role.SCHOOL else "")
        lines.append(f"  {label}：用户名 {username}  密码 {password}")
    return lines
