#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL primary (127.0.0.1:5432) on this machine, for the
# benchmarks and for trying the national setup (README "Production: the national setup").
#
#   tools/replica.sh start    # pg_basebackup of the primary into $REPLICA_DIR, started on $REPLICA_PORT
#   tools/replica.sh status   # lag in bytes and seconds, as the primary and the replica see it
#   tools/replica.sh stop     # stop the replica and remove its folder
#
# Then: DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \
#       DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/NAME  tamnong serve
# The primary needs wal_level=replica (PostgreSQL's default) and a pg_hba line that lets the
# replica connect for replication; this script adds `host replication all 127.0.0.1/32 trust`
# on this machine only (trust auth, as the local cluster already uses). Run as root (it acts as
# the postgres system user).
set -euo pipefail
PORT=${REPLICA_PORT:-5433}
DIR=${REPLICA_DIR:-/var/lib/postgresql/replica-$PORT}
PRIMARY="-h 127.0.0.1 -p 5432 -U postgres"
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { su postgres -s /bin/bash -c "$*"; }

case "${1:-start}" in
start)
  hba=$(psql $PRIMARY -Atc "show hba_file")
  if ! grep -q "^host[[:space:]]\+replication[[:space:]]\+all[[:space:]]\+127.0.0.1/32" "$hba"; then
    echo "host replication all 127.0.0.1/32 trust" >> "$hba"
    psql $PRIMARY -qAtc "select pg_reload_conf()" >/dev/null
  fi
  if as_pg "$BIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
    echo "replica already running on 127.0.0.1:$PORT ($DIR)"; exit 0
  fi
  rm -rf "$DIR"; mkdir -p "$DIR"; chown postgres:postgres "$DIR"; chmod 700 "$DIR"
  as_pg "$BIN/pg_basebackup $PRIMARY -D $DIR -R -X stream -c fast"
  cat > "$DIR/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = 200
shared_buffers = 256MB
hot_standby_feedback = on
max_standby_streaming_delay = 30s
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$DIR/pg_hba.conf"
  chown postgres:postgres "$DIR/postgresql.conf" "$DIR/pg_hba.conf"
  as_pg "$BIN/pg_ctl -D $DIR -l $DIR/replica.log -w start"
  psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc "select 'replica on 127.0.0.1:$PORT, in recovery: ' || pg_is_in_recovery()"
  ;;
status)
  psql $PRIMARY -Atc "select client_addr, state, pg_wal_lsn_diff(sent_lsn, replay_lsn) as lag_bytes, replay_lag from pg_stat_replication"
  psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc "select pg_is_in_recovery(), now() - pg_last_xact_replay_timestamp() as replay_delay"
  ;;
stop)
  as_pg "$BIN/pg_ctl -D $DIR -m fast stop" || true
  rm -rf "$DIR"
  ;;
*) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
