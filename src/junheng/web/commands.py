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


# granian's settings for ``junheng serve`` (README 生产部署 explains each).
# Threads running Django in each worker process. Measured (benchmarks/bench_web.py, 2 cores, 50
# users, 2026-11-27): dashboard p95 52–76 ms with 8, 90–118 ms with 4, 89–99 ms with 16 (a
# request's database reads release the GIL; beyond that the threads only contend for it).
THREADS_PER_WORKER = 8
# Connections each worker holds open (granian's "backpressure" counts connections, not requests):
# a browser keeps its connection between page loads, so a budget of a few would lock out every
# user after the first few until one of theirs is dropped.
CONNECTIONS_PER_WORKER = 500
HEADER_TIMEOUT_MS = 10_000  # a client that has not sent its headers by then is dropped
WORKER_LIFETIME_SECONDS = 6 * 60 * 60  # workers are replaced in turn, so no leak builds up
WORKER_KILL_TIMEOUT_SECONDS = 30  # a worker that does not stop in time is killed


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


def serve(host: str = "127.0.0.1", port: int = 8000, demo: bool = False, workers: int | None = None,
          dev: bool = False, threads: int | None = None) -> None:
    """Run the web app under granian: ``workers`` processes (default: one per core, at least 2)
    of ``threads`` threads (default ``THREADS_PER_WORKER``); a worker that dies is started again. ``dev`` runs Django's
    development server instead. Data lives in ``./junheng-data/`` (``./junheng-demo/`` with
    ``demo``), or in PostgreSQL when ``DATABASE_URL`` is set."""
    if demo and "JUNHENG_DATA" not in os.environ:
        os.environ["JUNHENG_DATA"] = DEMO_DATA_DIR
    setup()
    from django.conf import settings

    if demo:
        # In a spawned child: polars' thread pool, once started here, would deadlock in the worker
        # processes granian forks from this one (the demo county's first dashboard never answered).
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(1) as child:
            lines = child.apply(_demo_accounts_in_child)
        for line in lines:
            print(line)
    os.environ["JUNHENG_DATA"] = str(settings.DATA_DIR)  # the worker processes use the same folder
    where = settings.DATABASES["default"]["NAME"]
    print(f"junheng 网页版：http://{host}:{port}/  （数据：{where}；按 Ctrl+C 停止）", flush=True)
    if dev:
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}", use_reloader=False)
        return
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    Granian(
        "junheng.web.wsgi:application", address=host, port=int(port), interface=Interfaces.WSGI,
        workers=workers or default_workers(), blocking_threads=threads or THREADS_PER_WORKER,
        backpressure=CONNECTIONS_PER_WORKER, http=HTTPModes.http1,
        websockets=False, backlog=1024, http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT_MS),
        respawn_failed_workers=True, respawn_interval=1.0, workers_lifetime=WORKER_LIFETIME_SECONDS,
        workers_kill_timeout=WORKER_KILL_TIMEOUT_SECONDS, log_access=False,
    ).serve()
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
             password: str | None = None, region: str | None = None) -> str:
    """Create an account; ``role`` is bureau / school / inspector / city / province (or its Chinese
    name), ``school`` a 学校标识码 (school role), ``county`` a county name or code (bureau,
    inspector; a bureau account for a county not yet known creates the county), ``region`` a
    行政区划 prefix (city: 4 digits, province: 2). Returns the password (a generated one when none
    is given)."""
    setup()
    return _create_user(username, role, school, county, password, region)


def _create_user(username: str, role: str, school: str | None, county: str | None, password: str | None,
                 region: str | None = None) -> str:
    from .accounts.services import REGION_DIGITS, create_account
    from .models import School
    from .services import WorkflowError

    role = _role(role)
    reviewer = role in REGION_DIGITS
    if reviewer and (county or school):
        raise CommandError("市级、省级督导账号不属于某个县(区)或学校：请只用 --region 指定行政区划代码")
    if region and not reviewer:
        raise CommandError("--region 只用于市级督导（city）、省级督导（province）账号")
    school_obj = None
    if school:
        school_obj = School.objects.filter(code=school).first()
        if school_obj is None:
            raise CommandError(f"没有学校标识码为 {school} 的学校")
    county_obj = _county(county, create=role == "bureau") or (school_obj.county if school_obj else None)
    if reviewer and not region:
        raise CommandError("请用 --region 指定行政区划代码（市级督导 4 位，如 3201；省级督导 2 位，如 32）")
    if county_obj is None and not reviewer:
        raise CommandError("请指定县(区)（教育局管理员、督导专家）或学校（学校填报员）")
    password = password or secrets.token_urlsafe(9)
    try:
        create_account(username, role, county_obj, school_obj, password, region_code=region or "")
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
# The demo county's city and province reviewers: (username, role, digits of the county code kept).
DEMO_REVIEWERS = (("shiji", "city", 4), ("shengji", "province", 2))


def _demo_accounts_in_child() -> list[str]:
    setup()
    return demo_accounts()


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
    wanted = [*DEMO_USERS, (f"xuexiao{school.code[-4:]}", "school"), *((u, r) for u, r, _ in DEMO_REVIEWERS)]
    regions = {role: county.code[:digits] for _, role, digits in DEMO_REVIEWERS}
    lines = [f"演示县：{county.name} {year} 年度，学校 {county.schools.count()} 所。演示账号（密码每次启动重新生成）："]
    User = get_user_model()
    for username, role in wanted:
        password = secrets.token_urlsafe(9)
        user = User.objects.filter(username=username).first()
        if user is None and role in regions:
            _create_user(username, role, None, None, password, regions[role])
        elif user is None:
            _create_user(username, role, school.code if role == Role.SCHOOL else None, county.name, password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        label = dict(Role.choices)[role] + (f"（{school.name}）" if role == Role.SCHOOL else
                                            f"（行政区划 {regions[role]}）" if role in regions else "")
        lines.append(f"  {label}：用户名 {username}  密码 {password}")
    return lines


def backup(out: str | os.PathLike = ".") -> Path:
    """Write ``junheng-backup-YYYYMMDD-HHMMSS.tar.gz`` into ``out``: the database (SQLite through its
    online backup API, consistent while the server runs; PostgreSQL through ``pg_dump`` in its
    custom format) and the evidence files (``media/``). Built report files are left out: they
    are rebuilt on demand. Returns the archive's path."""
    import datetime as dt
    import json
    import shutil
    import sqlite3
    import subprocess
    import tarfile
    import tempfile

    setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = folder / f"junheng-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="junheng-backup-") as tmp:
        if db["ENGINE"].endswith("sqlite3"):
            dump = Path(tmp) / "junheng.sqlite3"
            source, target = sqlite3.connect(db["NAME"]), sqlite3.connect(dump)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            if shutil.which("pg_dump") is None:
                raise CommandError("未找到 pg_dump：请安装 PostgreSQL 客户端（如 apt install postgresql-client）后重试")
            dump = Path(tmp) / "junheng.pgdump"
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), "--dbname", db["NAME"]]
            for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if db.get(key):
                    command += [option, str(db[key])]
            env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise CommandError(f"pg_dump 失败：{done.stderr.strip()}")
        media = Path(settings.MEDIA_ROOT)
        evidence = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {"created": dt.datetime.now().isoformat(timespec="seconds"), "database": dump.name,
                    "evidence_files": len(evidence)}
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=f"database/{dump.name}")
            if media.exists():
                tar.add(media, arcname="media")
        os.replace(partial, archive)
    return archive
