#!/bin/sh
# certbot deploy hook: runs after every renewal (and once after the first issuance)
# so the service loads the new certificate; a reload keeps open sessions alive.
set -eu
systemctl reload-or-restart {{ service }}
