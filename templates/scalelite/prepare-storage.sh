#!/bin/bash
# Before the containers start: wait for the shared NFS storage and give it the
# directory layout and numeric owners the containers and the BBB servers expect
# (see constructs/data/shared-storage.ts). Idempotent; runs on every start.
set -euo pipefail

readonly MOUNT_POINT='{{ mountPoint }}'
readonly SPOOL_OWNER='{{ spoolOwner }}'
readonly SPOOL_DIRECTORIES='{{ spoolDirectories }}'
readonly ROOT_DIRECTORIES='{{ rootDirectories }}'
readonly ATTEMPTS=30
readonly PAUSE_SECONDS=10

for attempt in $(seq 1 "${ATTEMPTS}"); do
  if mountpoint -q "${MOUNT_POINT}"; then
    break
  fi
  if [ "${attempt}" -eq "${ATTEMPTS}" ]; then
    echo "${MOUNT_POINT} is not mounted; giving up" >&2
    exit 1
  fi
  mount "${MOUNT_POINT}" || true
  sleep "${PAUSE_SECONDS}"
done

# setgid: files created inside inherit the spool group, whoever writes them.
for directory in ${SPOOL_DIRECTORIES}; do
  mkdir -p "${directory}"
  chown "${SPOOL_OWNER}" "${directory}"
  chmod 2775 "${directory}"
done
for directory in ${ROOT_DIRECTORIES}; do
  mkdir -p "${directory}"
  chown root:root "${directory}"
  chmod 0750 "${directory}"
done
