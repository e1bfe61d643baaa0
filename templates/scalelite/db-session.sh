# Sourced by the Scalelite node scripts that hold PostgreSQL advisory locks: one
# database session, kept open by a psql co-process. A session-level advisory lock
# lasts as long as its session, so ending the co-process releases it. The session
# uses server-side TCP keepalive: when this node dies, the server notices within
# about a minute and hands the lock to a waiting node.

# Opens the session with the database named in PROJECT_DIR/scalelite.env.
open_db_session() {
  local database_url
  database_url="$(sed -n 's/^DATABASE_URL=//p' "${PROJECT_DIR}/scalelite.env")"
  if [ -z "${database_url}" ]; then
    echo "no DATABASE_URL in ${PROJECT_DIR}/scalelite.env" >&2
    return 1
  fi
  coproc DB { exec psql "${database_url}" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1; }
  db_session_pid="${DB_PID}"
  exec {from_db}<&"${DB[0]}" {to_db}>&"${DB[1]}"
  send "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3;"
}

close_db_session() {
  kill "${db_session_pid}" 2>/dev/null || true
}

send() {
  printf '%s\n' "$1" >&"${to_db}"
}

# Waits (without a timeout) until the database answers with the given marker.
await() {
  local line
  while read -r line <&"${from_db}"; do
    if [ "${line}" = "$1" ]; then
      return 0
    fi
  done
  return 1
}

# Blocks until this session holds advisory lock $1, however long another node keeps it.
take_lock() {
  send "SELECT pg_advisory_lock($1);"
  send "SELECT 'locked';"
  if ! await locked; then
    echo "database session ended before lock $1 was granted" >&2
    return 1
  fi
}

# Whether the session still answers within $1 seconds.
session_alive() {
  local line=''
  send "SELECT 'alive';"
  read -r -t "$1" line <&"${from_db}" && [ "${line}" = alive ]
}
