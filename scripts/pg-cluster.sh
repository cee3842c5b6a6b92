# A throwaway PostgreSQL cluster on a loopback port, for the tests and the
# benchmarks: `source scripts/pg-cluster.sh; pg_cluster_start` exports
# CITECHECK_TEST_PG (a URL of the cluster's `postgres` database, user
# `citecheck`, no password); `pg_cluster_stop` stops it and removes it.
# The server also speaks TLS, with a certificate for 127.0.0.1 from a
# throwaway CA made here (CITECHECK_TEST_PG_CA; CITECHECK_TEST_PG_OTHER_CA
# is a second CA that signed nothing of it).
# Needs Debian's `postgresql` (scripts/test.sh installs it). As root the
# server runs as the `postgres` user, which the package creates.

pg_cluster_start() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bin" ]; then
        echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
        return 1
    fi
    PG_CLUSTER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/citecheck-pg.XXXXXX")"
    export PG_CLUSTER_DIR
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PG_CLUSTER_DIR"
        as=(runuser -u postgres --)
    fi
    PG_CLUSTER_AS="${as[*]}"
    PG_CLUSTER_BIN="$bin"
    local tls="$PG_CLUSTER_DIR/tls"
    mkdir -p "$tls"
    for ca in ca other-ca; do
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=citecheck test $ca" \
            -keyout "$tls/$ca.key" -out "$tls/$ca.pem" 2>/dev/null
    done
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
    chmod 600 "$tls/server.key"
    [ "$(id -u)" = 0 ] && chown -R postgres "$tls"
    export CITECHECK_TEST_PG_CA="$tls/ca.pem" CITECHECK_TEST_PG_OTHER_CA="$tls/other-ca.pem"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "${as[@]}" "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -U citecheck --auth=trust -E UTF8 \
        --no-instructions >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/log" -w -t 120 \
        -o "-p $port -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" \
        start >/dev/null
    export CITECHECK_TEST_PG="postgres://citecheck@127.0.0.1:$port/postgres"
    echo "PostgreSQL test cluster at $CITECHECK_TEST_PG" >&2
}

pg_cluster_stop() {
    [ -n "${PG_CLUSTER_DIR:-}" ] || return 0
    # shellcheck disable=SC2086
    $PG_CLUSTER_AS "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop \
        >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
    PG_CLUSTER_DIR=""
}
