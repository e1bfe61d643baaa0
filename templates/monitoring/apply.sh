#!/bin/sh
# Runs after every push of the monitoring configuration: mounts the data volume,
# brings the services to the pushed Compose files and makes the running ones pick
# up the pushed files (rules, prometheus.yml, alertmanager.yml, Caddyfile, inventory).
set -eu

/opt/monitoring/prepare-data-volume.sh
cd /opt/monitoring

# A push only adds files: drop rule files and dashboards that are no longer listed.
for dir in /etc/monitoring/prometheus/rules /etc/monitoring/grafana/dashboards; do
  for file in "$dir"/*; do
    [ -e "$file" ] || continue
    grep -qxF "$(basename "$file")" "$dir/.manifest" || rm -f "$file"
  done
done

docker compose up -d --remove-orphans
docker compose kill -s HUP prometheus alertmanager
# Right after the first start Caddy may not take a reload yet; a restart does the same.
docker compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile || docker compose restart caddy
# Datasource provisioning is read at start only.
docker compose restart grafana
if docker compose config --services | grep -qx autoscaler; then
  docker compose restart autoscaler
fi
