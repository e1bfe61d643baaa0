/** A one-line progress indicator on a terminal; silent when stderr is a pipe or a file. */
import { POLICY_NAMES } from './simulate';

export interface Progress {
  readonly tick: (minute: number) => void;
  readonly done: () => void;
}

/** `minutes`: the minutes one policy simulates; every policy runs them. */
export function progressReporter(stream: { write(text: string): unknown; isTTY?: boolean }, label: string, minutes: number): Progress {
  if (!stream.isTTY) return { tick: () => {}, done: () => {} };
  const total = minutes * POLICY_NAMES.length;
  let simulated = 0;
  return {
    tick: () => {
      simulated += 1;
      if (simulated % 60 === 0) stream.write(`\r${label} ${Math.round((100 * simulated) / total)}%`);
    },
    done: () => stream.write('\r\x1b[K'),
  };
}
