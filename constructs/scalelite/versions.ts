/**
 * Container images of the tier, pinned exactly so a deploy never pulls something
 * untested. Scalelite >= 1.5.1 is required: the autoscaler drives its server REST
 * API under /scalelite/api/. The Scalelite release tags its images
 * `<version>-api`, `-nginx`, `-poller` and `-recording-importer`.
 */
export const SCALELITE_VERSION = 'v1.6.5';
export const GREENLIGHT_VERSION = 'v3.3.1';
