#!/bin/bash
# First issuance of this machine's Let's Encrypt certificate, one attempt per run.
# issue-certificate.service runs it again until it succeeds (the DNS delegation of a
# new domain can take hours) and not at all once it has. Renewal needs nothing from
# here: the certbot package's systemd timer renews twice a day and the deploy hooks
# reload the service using the certificate.
set -euo pipefail

readonly EMAIL='{{ email }}'
readonly CERT_NAME='{{ certName }}'
readonly DOMAINS='{{ domains }}'
readonly AUTHENTICATOR='{{ authenticator }}'
readonly WEBROOT='{{ webroot }}'
readonly NGINX_SITE='{{ nginxSite }}'
readonly ISSUED_MARKER='{{ issuedMarker }}'
readonly HOOKS_DIR="${CERTBOT_HOOKS_DIR:-/etc/letsencrypt/renewal-hooks/deploy}"
readonly NGINX_DIR="${NGINX_DIR:-/etc/nginx}"

# Let's Encrypt would fail a name that does not resolve yet, and each failure counts
# against its limit of failed validations per name and hour.
for domain in ${DOMAINS}; do
  if ! getent ahostsv4 "${domain}" >/dev/null; then
    echo "${domain} does not resolve yet; no certificate requested" >&2
    exit 1
  fi
done

authenticator_args=(--standalone)
if [ "${AUTHENTICATOR}" = webroot ]; then
  mkdir -p "${WEBROOT}"
  authenticator_args=(--webroot --webroot-path "${WEBROOT}")
fi

domain_args=()
for domain in ${DOMAINS}; do
  domain_args+=(-d "${domain}")
done

certbot certonly "${authenticator_args[@]}" --non-interactive --agree-tos \
  --email "${EMAIL}" --keep-until-expiring --cert-name "${CERT_NAME}" "${domain_args[@]}"

# The HTTPS site can only load once its certificate exists.
if [ -n "${NGINX_SITE}" ]; then
  ln -sf "${NGINX_DIR}/sites-available/${NGINX_SITE}" "${NGINX_DIR}/sites-enabled/${NGINX_SITE}"
fi
# certbot runs deploy hooks on renewals only; the first issuance runs them here.
for hook in "${HOOKS_DIR}"/*; do
  if [ -x "${hook}" ]; then
    "${hook}"
  fi
done
mkdir -p "$(dirname "${ISSUED_MARKER}")"
date --iso-8601=seconds >"${ISSUED_MARKER}"
echo "certificate for ${DOMAINS} issued"
