/**
 * The environment configuration contract (see environments/example.yaml): its shape,
 * ranges and the rules that relate one key to another.
 */
import * as v from 'valibot';
import {
  IONOS_LOCATIONS,
  OBJECT_STORAGE_REGIONS,
  WEEKDAYS,
  cidrProblem,
  domainProblem,
  emailProblem,
  sshKeyProblem,
  timeProblem,
  timezoneProblem,
} from './formats';

type Check = (value: string) => string | undefined;

/** A string checked by one of the format functions; its reason becomes the message. */
function formatted(check: Check) {
  return v.pipe(
    v.string(),
    v.rawCheck<string>(({ dataset, addIssue }) => {
      const problem = dataset.typed ? check(dataset.value) : undefined;
      if (problem) addIssue({ message: problem });
    }),
  );
}

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** An absolute URL with one of the given schemes, e.g. `url(['https'], 'must be an https:// URL')`. */
export function url(schemes: readonly string[], message: string) {
  return v.pipe(v.string(), v.check((text) => schemes.includes(urlScheme(text) ?? ''), message));
}

function urlScheme(text: string): string | undefined {
  return URL.canParse(text) ? new URL(text).protocol.slice(0, -1) : undefined;
}

const stateSchema = v.strictObject({
  backend: v.literal('s3'),
  bucket: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 of a-z 0-9 . -)')),
  region: v.picklist(OBJECT_STORAGE_REGIONS),
  endpoint: url(['https'], 'must be an https:// URL'),
});

const scaleliteSchema = v.strictObject({
  nodes: int(1, 10),
  cores: int(1, 32),
  ramGb: int(2, 128),
  greenlight: v.boolean(),
  recordings: v.boolean(),
  /** Greenlight's sender address at the mail relay (monitoring.smtp); default: the relay's sender. */
  greenlightMailFrom: v.optional(formatted(emailProblem)),
});

const bbbSchema = v.strictObject({
  version: v.picklist(['3.0']),
  pool: v.strictObject({
    size: int(1, 500),
    minRunning: int(0, 500),
  }),
  cores: int(4, 62),
  ramGb: int(8, 240),
  diskGb: int(50, 4000),
});

const turnSchema = v.strictObject({
  servers: int(0, 10),
  cores: int(1, 16),
  ramGb: int(1, 64),
});

const monitoringSchema = v.strictObject({
  cores: int(2, 32),
  ramGb: int(4, 128),
  diskGb: int(20, 4000),
  retentionDays: int(1, 730),
  alertEmail: formatted(emailProblem),
  /** Terraform refuses to destroy the data volume (prevent_destroy); false only to remove a trial environment. */
  protectDataVolume: v.optional(v.boolean(), true),
  /** The platform's mail relay (alerts, Greenlight); the password is the sensitive Terraform variable smtp_password. */
  smtp: v.optional(
    v.strictObject({
      smarthost: v.pipe(v.string(), v.regex(/^[a-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. smtp.ionos.de:587')),
      from: v.optional(formatted(emailProblem)),
      username: v.optional(v.pipe(v.string(), v.minLength(1))),
      requireTls: v.optional(v.boolean(), true),
    }),
  ),
});

const scheduleRuleSchema = v.strictObject({
  days: v.pipe(
    v.array(v.picklist(WEEKDAYS)),
    v.minLength(1),
    v.check((days) => new Set(days).size === days.length, 'must not name a day twice'),
  ),
  from: formatted(timeProblem),
  to: formatted(timeProblem),
  minRunning: int(0, 500),
});

const autoscalerSchema = v.strictObject({
  enabled: v.boolean(),
  intervalSeconds: int(30, 3600),
  capacityPerServer: int(1, 10000),
  targetUtilization: v.pipe(v.number(), v.gtValue(0), v.maxValue(1)),
  scaleInCooldownMinutes: int(0, 1440),
  /** A started server is kept at least this long after its boot. */
  keepStartedMinutes: v.optional(int(0, 240), 10),
  /** Weeks of the learned timetable (the same weekday in Prometheus); 0 turns it off. */
  historyWeeks: v.optional(int(0, 8), 3),
  /** A guest still on this long after its power-off command is stopped by IONOS. */
  shutdownTimeoutMinutes: v.optional(int(1, 60), 5),
  /** The lease an acting autoscaler holds; a crashed holder loses it after this long. */
  leaseSeconds: v.optional(int(30, 3600), 120),
  schedule: v.strictObject({
    timezone: formatted(timezoneProblem),
    rules: v.pipe(v.array(scheduleRuleSchema), v.maxLength(50)),
  }),
  vertical: v.strictObject({
    enabled: v.boolean(),
    maxCores: int(1, 62),
    maxRamGb: int(1, 240),
  }),
});

/** Optional; defaults in config/maintenance.ts (01:00-05:00 in the schedule's timezone). */
const maintenanceSchema = v.strictObject({
  window: v.optional(
    v.strictObject({
      from: v.optional(formatted(timeProblem)),
      to: v.optional(formatted(timeProblem)),
      timezone: v.optional(formatted(timezoneProblem)),
    }),
  ),
  /** The autoscaler's nightly cycle over the BBB pool; defaults in config/maintenance.ts. */
  bbb: v.optional(
    v.strictObject({
      enabled: v.optional(v.boolean()),
      everyDays: v.optional(int(1, 7)),
      maxParallel: v.optional(int(1, 50)),
      serverMinutes: v.optional(int(10, 240)),
    }),
  ),
});

export const environmentSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{1,20}$/, 'must match [a-z][a-z0-9-]{1,20}')),
  location: v.picklist(IONOS_LOCATIONS),
  domain: formatted(domainProblem),
  acmeEmail: formatted(emailProblem),
  sshKeys: v.pipe(v.array(formatted(sshKeyProblem)), v.minLength(1), v.maxLength(50)),
  adminCidrs: v.pipe(v.array(formatted(cidrProblem)), v.minLength(1), v.maxLength(50)),
  state: v.optional(stateSchema),
  scalelite: scaleliteSchema,
  bbb: bbbSchema,
  turn: turnSchema,
  monitoring: monitoringSchema,
  autoscaler: autoscalerSchema,
  maintenance: v.optional(maintenanceSchema),
});

/** A validated environment, as every construct and the autoscaler receive it. */
export type EnvironmentConfig = v.InferOutput<typeof environmentSchema>;
export type Weekday = (typeof WEEKDAYS)[number];
export type ScheduleRule = EnvironmentConfig['autoscaler']['schedule']['rules'][number];
