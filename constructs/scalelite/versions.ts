/**
 * Container images of the tier, pinned exactly so a deploy never pulls something
 * untested. Scalelite >= 1.5.1 is required: the autoscaler drives its server REST
 * API under /scalelite/api/. The Scalelite release tags its images
 * `<version>-api`, `-nginx`, `-poller` and `-recording-importer`
 * (.github/workflows/ci.build.release.yml). The nodes depend on these parts of
 * v1.8.5: bin/start (replaced by a server-only command), nginx/start and
 * nginx/conf.d/scalelite-proxy.template (replaced), the health check, the server
 * API and bigbluebutton/scalelite_post_publish.rb; docs/scalelite.md lists the
 * versions tested.
 */
export const SCALELITE_VERSION = 'v1.8.5';
export const GREENLIGHT_VERSION = 'v3.3.1';
