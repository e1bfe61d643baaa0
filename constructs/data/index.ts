export {
  DataServices,
  POSTGRES_PORT,
  REDIS_PORT,
  type DataServicesProps,
  type DatabaseAccess,
  type RedisAccess,
} from './data-services';
export { generatedHexSecret, generatedPassword, sensitiveVariable, smtpPassword } from './secrets';
export {
  GREENLIGHT_STORAGE_DIR,
  RECORDINGS_ROOT,
  SCALELITE_GID,
  SCALELITE_UID,
  SHARED_MOUNT,
  SPOOL_DIR,
  SPOOL_GID,
  SPOOL_GROUP,
  nfsMount,
  type SharedStorage,
} from './shared-storage';
