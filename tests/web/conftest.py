"""pytest-django for the web app: settings ``junheng.web.settings``, SQLite by default,
PostgreSQL when ``JUNHENG_TEST_POSTGRES=1`` (or ``DATABASE_URL`` is set)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
os.environ.setdefault("JUNHENG_DATA", tempfile.mkdtemp(prefix="junheng-test-data-"))
os.environ.setdefault("JUNHENG_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
if os.environ.get("JUNHENG_TEST_POSTGRES") == "1":
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/junheng")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from dataclasses import dataclass, replace  # noqa: E402

import polars as pl  # noqa: E402
import pytest  # noqa: E402
from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

PASSWORD = "Qingxi-test-2024"
SCHOOL_CODES = ("3301010001", "3301010002", "3301010008", "3301010011")  # two 小学, an 初中, a 九年一贯制


@pytest.fixture(scope="session")
def small_dataset():
    """Four schools of the demo county (with its county and monitoring tables): quick to load."""
    from junheng.demo import demo_dataset

    ds = demo_dataset()
    keep = pl.col("school_code").is_in(SCHOOL_CODES)
    return replace(ds, schools=ds.schools.filter(keep), rooms=ds.rooms.filter(keep))


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 as in production, with less memory per hash so that the suite stays quick."""

    memory_cost = 1024


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # rendered dashboards of an earlier test's (rolled back) data
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"  # built files of an earlier test's (rolled back) county
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickArgon2PasswordHasher"]


@dataclass
class World:
    county: object
    cy: object
    year: int
    school_a: object
    school_b: object
    bureau: object
    inspector: object
    user_a: object
    user_b: object


def make_world(dataset) -> World:
    from junheng.web.accounts.services import create_account
    from junheng.web.models import Account, Role, School
    from junheng.web.services import import_county

    year = int(dataset.schools.get_column("year")[0])
    cy, _ = import_county(dataset, year)
    county = cy.county
    school_a = School.objects.get(code=SCHOOL_CODES[0])
    school_b = School.objects.get(code=SCHOOL_CODES[1])

    def user(name: str, role: str, school=None):
        return create_account(name, role, county, school, PASSWORD).user

    world = World(county, cy, year, school_a, school_b, user("jyj", Role.BUREAU), user("zhuanjia", Role.INSPECTOR),
                  user("school-a", Role.SCHOOL, school_a), user("school-b", Role.SCHOOL, school_b))
    assert Account.objects.count() == 4
    return world


@pytest.fixture
def world(db, small_dataset) -> World:
    return make_world(small_dataset)


@pytest.fixture
def new_world():
    """Builds the county from a (changed) data set, for tests that need their own data."""
    return make_world


@pytest.fixture
def live_world(transactional_db, small_dataset) -> World:
    """The same county for a live server (committed data, visible to the server's thread)."""
    return make_world(small_dataset)


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def password() -> str:
    return PASSWORD
