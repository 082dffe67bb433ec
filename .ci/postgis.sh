#!/usr/bin/env bash
# Install PostgreSQL + PostGIS from Debian's packages, start a server on loopback only,
# create a test database with the postgis extension and print its URL.
#
# Usage (as root on a Debian machine):
#   eval "$(bash .ci/postgis.sh)"      # exports CARNET_TEST_DATABASE_URL
#   bash .ci/postgis.sh                # prints: export CARNET_TEST_DATABASE_URL=...
# Progress goes to stderr; stdout carries only the export line, so eval is safe.
# Idempotent: re-running reuses the cluster and resets the test role's password.
set -euo pipefail

DB_NAME="${CARNET_PG_DB:-carnet_test}"
DB_USER="${CARNET_PG_USER:-carnet}"
PG_PORT="${CARNET_PG_PORT:-5432}"

log() { echo "[postgis.sh] $*" >&2; }

if [ "$(id -u)" != "0" ]; then
    log "must run as root (apt-get install, cluster start)"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s postgresql-postgis >/dev/null 2>&1 || ! dpkg -s postgresql >/dev/null 2>&1; then
    log "installing postgresql + postgis (apt-get)"
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql postgresql-postgis >&2
fi

# Pick the newest installed major version and make sure a cluster exists.
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} main"; then
    log "creating cluster ${PG_VERSION}/main"
    pg_createcluster "${PG_VERSION}" main --port "${PG_PORT}" >&2
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" '$1==v && $2=="main" {print $3}')"

# Loopback only, whatever the cluster's defaults.
CONF_DIR="/etc/postgresql/${PG_VERSION}/main"
mkdir -p "${CONF_DIR}/conf.d"
echo "listen_addresses = '127.0.0.1'" > "${CONF_DIR}/conf.d/carnet-loopback.conf"

if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting cluster ${PG_VERSION}/main on 127.0.0.1:${PG_PORT}"
    pg_ctlcluster "${PG_VERSION}" main start >&2
else
    pg_ctlcluster "${PG_VERSION}" main reload >&2
fi

for _ in $(seq 1 30); do
    if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; then break; fi
    sleep 1
done
runuser -u postgres -- pg_isready -h 127.0.0.1 -p "${PG_PORT}" >&2

# A fresh random password for the test role at every run (loopback-only test database).
DB_PASS="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql_su() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -p "${PG_PORT}" "$@"; }

if [ "$(psql_su -tAc "SELECT 1 FROM pg_roles WHERE rolname='${DB_USER}'")" != "1" ]; then
    psql_su -c "CREATE ROLE ${DB_USER} LOGIN" >&2
fi
psql_su -c "ALTER ROLE ${DB_USER} WITH LOGIN PASSWORD '${DB_PASS}'" >&2
if [ "$(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname='${DB_NAME}'")" != "1" ]; then
    psql_su -c "CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}" >&2
fi
psql_su -d "${DB_NAME}" -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2
log "postgis $(psql_su -d "${DB_NAME}" -tAc 'SELECT postgis_lib_version()') ready in ${DB_NAME}"

URL="postgresql+psycopg://${DB_USER}:${DB_PASS}@127.0.0.1:${PG_PORT}/${DB_NAME}"
echo "export CARNET_TEST_DATABASE_URL='${URL}'"
