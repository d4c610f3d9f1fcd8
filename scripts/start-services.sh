#!/usr/bin/env bash
# Starts the servers the integration tests use, on 127.0.0.1 only: PostgreSQL (role `fluxion`,
# password `fluxion`, database `fluxion_test`) and Redis on 6379. Idempotent: whatever already
# runs or exists is left alone. It never fails the caller (npm's `pretest` runs it): when it
# cannot do something (not root, a binary missing) it says what to do and carries on, and the
# tests that need the server then fail naming the URL they tried.
set -uo pipefail

say() { printf 'start-services: %s\n' "$*"; }
warned=0
warn() { printf 'start-services: %s\n' "$*" >&2; warned=1; }

# Runs a command as the postgres superuser (su from root; sudo is not on these images).
as_postgres() { su postgres -s /bin/sh -c "$1"; }

start_postgres() {
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
    say "PostgreSQL already accepts connections on 127.0.0.1:5432"
  else
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ] || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
      warn "PostgreSQL is not installed: apt-get install -y postgresql (or set FLUXION_TEST_DATABASE_URL to a server you run)"
      return
    fi
    if [ "$(id -u)" != 0 ]; then
      warn "PostgreSQL is down and starting it needs root: sudo pg_ctlcluster $(ls /etc/postgresql | head -n1) main start"
      return
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || { warn "pg_ctlcluster $version main start failed"; return; }
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
    pg_isready -q -h 127.0.0.1 -p 5432 || { warn "PostgreSQL did not come up on 127.0.0.1:5432"; return; }
  fi
  if [ "$(id -u)" != 0 ]; then
    # Without root there is no way to reach the postgres superuser here; the role may exist already.
    say "not root: not checking role fluxion / database fluxion_test"
    return
  fi
  if [ "$(as_postgres "psql -XtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'fluxion'\"")" != 1 ]; then
    say "creating role fluxion"
    as_postgres "psql -Xq -c \"CREATE ROLE fluxion LOGIN PASSWORD 'fluxion'\"" || warn "could not create role fluxion"
  fi
  if [ "$(as_postgres "psql -XtAc \"SELECT 1 FROM pg_database WHERE datname = 'fluxion_test'\"")" != 1 ]; then
    say "creating database fluxion_test"
    as_postgres "psql -Xq -c \"CREATE DATABASE fluxion_test OWNER fluxion\"" || warn "could not create database fluxion_test"
  fi
}

start_redis() {
  if command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; then
    say "Redis already answers on 127.0.0.1:6379"
    return
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    warn "Redis is not installed: apt-get install -y redis-server (or set FLUXION_TEST_REDIS_URL to a server you run)"
    return
  fi
  say "starting Redis on 127.0.0.1:6379"
  # No persistence: the tests use Redis for pub/sub only.
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null || { warn "redis-server failed to start"; return; }
  for _ in $(seq 1 50); do [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ] && return; sleep 0.1; done
  warn "Redis did not come up on 127.0.0.1:6379"
}

start_postgres
start_redis
if [ "$warned" = 1 ]; then
  warn "some services are not running: the PostgreSQL and Redis integration tests will fail until they are"
fi
exit 0
