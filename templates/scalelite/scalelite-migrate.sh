#!/bin/bash
# Applies the database migrations of this node's images before their servers start:
# scalelite.service runs it when it starts and when it reloads (a configuration push).
# The images' own start scripts would migrate on every container start, on every
# node at once (Scalelite's bin/start: db:create then db:migrate or db:schema:load;
# Greenlight's bin/start: db:create, db:migrate:with_data); the Compose files start
# only the servers instead. Under PostgreSQL advisory lock {{ lockKey }} the nodes
# migrate one after the other: the first applies what is pending, the others find
# nothing left to do. During a version change the node that has the new images
# migrates before its API serves them.
set -euo pipefail

readonly PROJECT_DIR='{{ projectDir }}'
readonly LOCK_KEY='{{ lockKey }}'
readonly GREENLIGHT='{{ greenlight }}'
# shellcheck source=templates/scalelite/db-session.sh
. '{{ dbSessionLibrary }}'

cd "${PROJECT_DIR}"
open_db_session
trap close_db_session EXIT

take_lock "${LOCK_KEY}"
echo "holding the migration lock"
docker compose run --rm --no-deps scalelite-api bin/rake db:prepare
if [ "${GREENLIGHT}" = true ]; then
  docker compose run --rm --no-deps --entrypoint rails greenlight db:migrate:with_data
fi
echo "database migrated"
