/**
 * The learned timetable. Lessons start by the bell, at the same times every week, so what
 * the same weekday looked like in recent weeks tells how far the load is about to rise:
 * servers start a boot ahead of the bell instead of after the rise has begun, and none
 * is taken out of service just before one.
 */
import type { LoadHistory, PolicySettings } from './types';

export interface Forecast {
  /** Weeks the forecast rests on. */
  readonly weeks: number;
  /** How far above the load now it rises within the next `minutes`, at most (0 when it does not). */
  rise(minutes: number): number;
}

/**
 * A past day teaches something only when its load needed more than the minimum: a
 * holiday, or a week before the platform went live, would say no rise comes. Without
 * such a day there is no forecast, and the schedule's minimums apply.
 */
function busyDay(peak: number | undefined, settings: Pick<PolicySettings, 'minRunning' | 'capacityPerServer' | 'targetUtilization'>): boolean {
  return peak !== undefined && peak > settings.minRunning * settings.capacityPerServer * settings.targetUtilization;
}

/** Rise of one week's series within the first `minutes` after index 0, or undefined where it has no sample now. */
function weekRise(series: readonly number[], minutes: number): number | undefined {
  const now = series[0];
  if (now === undefined || !Number.isFinite(now)) return undefined;
  let highest = now;
  for (const value of series.slice(1, minutes + 1)) if (Number.isFinite(value) && value > highest) highest = value;
  return highest - now;
}

/**
 * The highest rise among the weeks that count: the bell rings every week, but how many
 * classes meet online varies, and being a boot late costs lessons while a server too many
 * costs minutes.
 */
export function learnedTimetable(
  history: LoadHistory | undefined,
  settings: Pick<PolicySettings, 'historyWeeks' | 'minRunning' | 'capacityPerServer' | 'targetUtilization'>,
): Forecast | undefined {
  if (!history || settings.historyWeeks === 0) return undefined;
  const weeks = history.weeks
    .slice(0, settings.historyWeeks)
    .filter((series, index) => busyDay(history.dayPeaks[index], settings) && weekRise(series, 0) !== undefined);
  if (weeks.length === 0) return undefined;
  return {
    weeks: weeks.length,
    rise: (minutes) => Math.max(0, ...weeks.map((series) => weekRise(series, minutes) ?? 0)),
  };
}
