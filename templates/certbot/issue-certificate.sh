#!/bin/bash
# First issuance of this machine's Let's Encrypt certificate. DNS and the public
# address may need a few minutes after boot, so it retries a bounded number of
# times. Renewal needs nothing from here: the certbot package's systemd timer
# renews twice a day and the deploy hook reloads the service using the certificate.
set -euo pipefail

readonly EMAIL='{{ email }}'
readonly CERT_NAME='{{ certName }}'
readonly DOMAINS='{{ domains }}'
readonly AUTHENTICATOR='{{ authenticator }}'
readonly WEBROOT='{{ webroot }}'
readonly NGINX_SITE='{{ nginxSite }}'
readonly ATTEMPTS=30
readonly PAUSE_SECONDS=20

authenticator_args=(--standalone)
if [ "${AUTHENTICATOR}" = webroot ]; then
  mkdir -p "${WEBROOT}"
  authenticator_args=(--webroot --webroot-path "${WEBROOT}")
fi

domain_args=()
for domain in ${DOMAINS}; do
  domain_args+=(-d "${domain}")
done

issued=false
for attempt in $(seq 1 "${ATTEMPTS}"); do
  if certbot certonly "${authenticator_args[@]}" --non-interactive --agree-tos \
      --email "${EMAIL}" --keep-until-expiring --cert-name "${CERT_NAME}" "${domain_args[@]}"; then
    issued=true
    break
  fi
  echo "certificate for ${DOMAINS} not issued (attempt ${attempt}/${ATTEMPTS}); retrying in ${PAUSE_SECONDS}s" >&2
  sleep "${PAUSE_SECONDS}"
done
if [ "${issued}" != true ]; then
  echo "giving up: no certificate for ${DOMAINS}" >&2
  exit 1
fi

# The HTTPS site can only load once its certificate exists.
if [ -n "${NGINX_SITE}" ]; then
  ln -sf "/etc/nginx/sites-available/${NGINX_SITE}" "/etc/nginx/sites-enabled/${NGINX_SITE}"
fi
# certbot runs deploy hooks on renewals only; the first issuance runs them here.
for hook in /etc/letsencrypt/renewal-hooks/deploy/*; do
  if [ -x "${hook}" ]; then
    "${hook}"
  fi
done
