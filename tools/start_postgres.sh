#!/usr/bin/env bash
# Start a local PostgreSQL for Grappes and print its SQLAlchemy URL on stdout.
#
# Installs Debian's `postgresql` package when no server is present (needs root and apt),
# starts the newest cluster (creating `main` if there is none), waits until it accepts
# connections on 127.0.0.1, and creates (or updates) a login role and a database owned by it.
# Safe to run twice. Messages go to stderr, so that
#
#     export GRAPPES_TEST_DATABASE_URL="$(tools/start_postgres.sh)"
#
# captures only the URL. Settings (environment): GRAPPES_PG_USER (grappes),
# GRAPPES_PG_DATABASE (grappes), GRAPPES_PG_PASSWORD (grappes). The server listens on
# localhost only (Debian's default), so the default password protects a test database only.
set -euo pipefail

role="${GRAPPES_PG_USER:-grappes}"
database="${GRAPPES_PG_DATABASE:-grappes}"
password="${GRAPPES_PG_PASSWORD:-grappes}"

say() { echo "start_postgres: $*" >&2; }
fail() { say "$*"; exit 1; }

# The names and the password are written into SQL below; allow only characters that need
# no quoting, rather than trying to escape.
[[ "$role" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "GRAPPES_PG_USER must match [a-z_][a-z0-9_]*; got '$role'"
[[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "GRAPPES_PG_DATABASE must match [a-z_][a-z0-9_]*; got '$database'"
[[ "$password" =~ ^[A-Za-z0-9_.-]+$ ]] || fail "GRAPPES_PG_PASSWORD must match [A-Za-z0-9_.-]+"

as_postgres() {
    if [[ "$(id -un)" == "postgres" ]]; then
        "$@"
    elif [[ "$(id -u)" == "0" ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres -- "$@" || fail "run as root or postgres (or with passwordless sudo)"
    fi
}

if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    [[ "$(id -u)" == "0" ]] || fail "PostgreSQL is not installed; run as root to install it with apt"
    say "installing Debian's postgresql package (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(basename "$(ls -d /usr/lib/postgresql/*/ | sort -V | tail -n 1)")"
if ! pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    say "creating cluster $version/main"
    pg_createcluster "$version" main >&2
fi
port="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
status="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $4}')"
if [[ "$status" != online* ]]; then
    say "starting cluster $version/main on port $port"
    pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || fail "PostgreSQL $version does not answer on 127.0.0.1:$port"

as_postgres psql -q -X -v ON_ERROR_STOP=1 -p "$port" -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        ALTER ROLE $role LOGIN PASSWORD '$password';
    ELSE
        CREATE ROLE $role LOGIN PASSWORD '$password';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $database OWNER $role'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database')\gexec
SQL

say "PostgreSQL $version ready: database '$database', role '$role', 127.0.0.1:$port"
echo "postgresql+psycopg://$role:$password@127.0.0.1:$port/$database"
