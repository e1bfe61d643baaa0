/**
 * The environment configuration contract (see environments/example.yaml): its shape,
 * ranges and the rules that relate one key to another.
 */
import { z } from 'zod';
import {
  IONOS_LOCATIONS,
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
  return z.string().check((ctx) => {
    const problem = check(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const stateSchema = z.strictObject({
  backend: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 of a-z 0-9 . -)'),
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d+$/, 'must be an IONOS S3 region such as eu-central-3'),
  endpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
});

const scaleliteSchema = z.strictObject({
  nodes: int(1, 10),
  cores: int(1, 32),
  ramGb: int(2, 128),
  greenlight: z.boolean(),
  recordings: z.boolean(),
});

const bbbSchema = z.strictObject({
  version: z.enum(['3.0']),
  pool: z.strictObject({
    size: int(1, 500),
    minRunning: int(0, 500),
  }),
  cores: int(4, 62),
  ramGb: int(8, 240),
  diskGb: int(50, 4000),
});

const turnSchema = z.strictObject({
  servers: int(0, 10),
  cores: int(1, 16),
  ramGb: int(1, 64),
});

const monitoringSchema = z.strictObject({
  cores: int(2, 32),
  ramGb: int(4, 128),
  diskGb: int(20, 4000),
  retentionDays: int(1, 730),
  alertEmail: formatted(emailProblem),
  /** Mail relay for alerts; the password is the sensitive Terraform variable smtp_password. */
  smtp: z
    .strictObject({
      smarthost: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. smtp.ionos.de:587'),
      from: formatted(emailProblem).optional(),
      username: z.string().min(1).optional(),
      requireTls: z.boolean().default(true),
    })
    .optional(),
});

const scheduleRuleSchema = z.strictObject({
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .refine((days) => new Set(days).size === days.length, 'must not name a day twice'),
  from: formatted(timeProblem),
  to: formatted(timeProblem),
  minRunning: int(0, 500),
});

const autoscalerSchema = z.strictObject({
  enabled: z.boolean(),
  intervalSeconds: int(30, 3600),
  capacityPerServer: int(1, 10000),
  targetUtilization: z.number().gt(0).max(1),
  scaleInCooldownMinutes: int(0, 1440),
  schedule: z.strictObject({
    timezone: formatted(timezoneProblem),
    rules: z.array(scheduleRuleSchema).max(50),
  }),
  vertical: z.strictObject({
    enabled: z.boolean(),
    maxCores: int(1, 62),
    maxRamGb: int(1, 240),
  }),
});

export const environmentSchema = z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'must match [a-z][a-z0-9-]{1,20}'),
    location: z.enum(IONOS_LOCATIONS),
    domain: formatted(domainProblem),
    acmeEmail: formatted(emailProblem),
    sshKeys: z.array(formatted(sshKeyProblem)).min(1).max(50),
    adminCidrs: z.array(formatted(cidrProblem)).min(1).max(50),
    state: stateSchema.optional(),
    scalelite: scaleliteSchema,
    bbb: bbbSchema,
    turn: turnSchema,
    monitoring: monitoringSchema,
    autoscaler: autoscalerSchema,
  });

/** A validated environment, as every construct and the autoscaler receive it. */
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type Weekday = (typeof WEEKDAYS)[number];
export type ScheduleRule = EnvironmentConfig['autoscaler']['schedule']['rules'][number];
