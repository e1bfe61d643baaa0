#!/bin/bash
# certbot deploy hook (runs before the hook that reloads coturn): copies the
# certificate to where the coturn container reads it. coturn runs as nobody:nogroup
# (65534) and cannot read /etc/letsencrypt/live.
set -euo pipefail

readonly LINEAGE='/etc/letsencrypt/live/{{ certName }}'
readonly TARGET=/etc/coturn/certs
readonly COTURN_ID=65534

install -d -m 0750 -o root -g "${COTURN_ID}" "${TARGET}"
install -m 0644 -o "${COTURN_ID}" -g "${COTURN_ID}" "${LINEAGE}/fullchain.pem" "${TARGET}/fullchain.pem"
install -m 0600 -o "${COTURN_ID}" -g "${COTURN_ID}" "${LINEAGE}/privkey.pem" "${TARGET}/privkey.pem"
