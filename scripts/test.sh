#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need (Debian packages for the
# PDF, browser and font tests; the package with its dev extras), lints, runs every test, then runs
# the web tests a second time on PostgreSQL. README 快速开始 and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
# A failing lint or first run must neither hide nor skip the PostgreSQL run: all run, any failure fails.
status=0
python3 -m ruff check src tests benchmarks scripts || status=$?
python3 -m pytest -q -p no:cacheprovider || status=$?

# The web suite again on PostgreSQL: installed and started here when the machine lacks it.
if [ -d tests/web ]; then
  database_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  # Django creates the test database itself from the server's "postgres" database; only the login is checked.
  if ! psql "${database_url%/*}/postgres" -c "select 1" >/dev/null 2>&1; then
    # A fresh Debian cluster asks for a password over TCP: give the test role one.
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'junheng-test'\"" >/dev/null
    as_root su postgres -c "createdb test" >/dev/null 2>&1 || true
    database_url="postgres://postgres:junheng-test@127.0.0.1:5432/test"
  fi
  JUNHENG_TEST_POSTGRES=1 DATABASE_URL="$database_url" python3 -m pytest -q -p no:cacheprovider tests/web || status=$?
fi
if [ "$status" != 0 ]; then echo "Tests failed (status $status)" >&2; fi
exit "$status"

