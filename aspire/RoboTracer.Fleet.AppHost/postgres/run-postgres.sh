#!/bin/sh
# The AppHost's PostgreSQL resource (DESIGN.md §2): a cluster from the system's binaries, kept in a data folder.
# Usage: run-postgres.sh BIN_DIR CLUSTER_DIR, with the port in PGPORT (the AppHost's endpoint hands it over).
# First start: initdb (trust on loopback, user postgres). Then postgres itself replaces this shell, so DCP stops
# the server directly. --pdeathsig INT ties the server to whoever started it: when DCP dies, even by kill -9,
# the kernel sends SIGINT (PostgreSQL's fast shutdown) and no server is left behind holding the data folder.
# PostgreSQL refuses to run as root: as root, the cluster belongs to and runs as the postgres user.
set -eu
bin="$1"
cluster="$2"
: "${PGPORT:?PGPORT is not set: the AppHost hands the endpoint port over in it}"
data="$cluster/data"
mkdir -p "$cluster"

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=postgres --regid=postgres --init-groups "$@"
    else
        "$@"
    fi
}

if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$cluster"
fi
if [ ! -f "$data/PG_VERSION" ]; then
    echo "run-postgres: creating the cluster in $data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-instructions
elif as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # A server from an older AppHost (one without --pdeathsig) still holds the folder: stop it first.
    echo "run-postgres: stopping a server left running in $data"
    as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop
fi

echo "run-postgres: starting PostgreSQL on 127.0.0.1:$PGPORT (data in $data)"
if [ "$(id -u)" -eq 0 ]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups --pdeathsig INT -- \
        "$bin/postgres" -D "$data" -p "$PGPORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$cluster" \
        -c fsync=on -c synchronous_commit=on -c max_connections=200
fi
exec setpriv --pdeathsig INT -- \
    "$bin/postgres" -D "$data" -p "$PGPORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$cluster" \
    -c fsync=on -c synchronous_commit=on -c max_connections=200
