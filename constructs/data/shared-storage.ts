/**
 * The numeric owners on the shared NFS storage. NFS checks numeric ids, not names,
 * so every machine must agree on them:
 * - the Scalelite containers run as uid/gid 1000 (`scalelite`) with the
 *   supplementary group 2000 (`scalelite-spool`), as built into the Scalelite image;
 * - on BBB servers `bigbluebutton` has no fixed uid (often 997), so each BBB server
 *   creates group `scalelite-spool` with gid 2000 and adds `bigbluebutton` to it;
 *   the spool directory is group-writable and setgid, so files BBB writes stay in
 *   group 2000 and the importer (uid 1000, member of 2000) can read and move them.
 */
export const SCALELITE_UID = 1000;
export const SCALELITE_GID = 1000;
export const SPOOL_GROUP = 'scalelite-spool';
export const SPOOL_GID = 2000;

/** Where every client mounts the share. */
export const SHARED_MOUNT = '/mnt/scalelite-recordings';
/** Scalelite's recording directories, below the mount (the layout Scalelite documents). */
export const RECORDINGS_ROOT = `${SHARED_MOUNT}/var/bigbluebutton`;
export const SPOOL_DIR = `${RECORDINGS_ROOT}/spool`;
/** Greenlight's uploaded presentations and avatars, shared by all nodes. */
export const GREENLIGHT_STORAGE_DIR = `${SHARED_MOUNT}/greenlight-storage`;

/** How a machine mounts the shared storage. */
export interface SharedStorage {
  /** NFS server address on the private LAN. */
  readonly server: string;
  /** The exported path (a Terraform reference). */
  readonly exportPath: string;
  /** `server:exportPath`, the first field of an fstab line. */
  readonly source: string;
  readonly mountPoint: string;
  /** Directory BBB's post-publish script copies finished recordings into. */
  readonly spoolDir: string;
  /** Group BBB servers create (with `spoolGid`) and add `bigbluebutton` to. */
  readonly spoolGroup: string;
  readonly spoolGid: number;
}

/** The fstab fields for `storage` in cloud-init's `mounts` form. */
export function nfsMount(storage: SharedStorage): string[] {
  return [storage.source, storage.mountPoint, 'nfs4', 'vers=4.2,hard,timeo=600,retrans=2,_netdev,nofail', '0', '0'];
}
