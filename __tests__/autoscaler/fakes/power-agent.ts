/**
 * A fake of the BBB servers' platform agent behind the autoscaler's SSH key: the
 * `poweroff` verb makes the guest power itself off (FakeIonos.guestPowerOff), a server
 * set up before the channel existed refuses the key, and the transport's faults apply (an
 * error before the command arrives, a lost answer after it did, a shutdown that hangs).
 * The real agent and channel are tested against sshd in power-agent.test.ts.
 */
import { NoChannelError, type PowerAgent, type Verb } from '../../../functions/autoscaler/clients/power-agent';
import { NetworkError, TimeoutError } from '../../../functions/autoscaler/errors';
import type { FakeIonos } from './ionos';
import { Faults } from './transport';

export class FakePowerAgent implements PowerAgent {
  readonly faults = new Faults();
  readonly calls: Array<{ readonly host: string; readonly verb: Verb }> = [];
  /** Private addresses of servers set up before the channel existed. */
  readonly withoutChannel = new Set<string>();
  /** Chance that an accepted power-off never finishes (a hung shutdown). */
  hangRate = 0;

  constructor(
    private readonly ionos: FakeIonos,
    /** The IONOS server behind a private address. */
    private readonly serverAt: (host: string) => string | undefined,
    /** Draws the hung shutdowns; a test seeds it. */
    public random: () => number = Math.random,
  ) {}

  async send(host: string, verb: Verb): Promise<void> {
    await Promise.resolve();
    const fault = this.faults.draw();
    if (fault?.kind === 'hang') throw new TimeoutError('ssh', `${host} ${verb}`, 15_000);
    if (fault?.kind === 'status' || fault?.kind === 'reset') throw new NetworkError('ssh', `${host} ${verb}`, 'connect ECONNREFUSED');
    const serverId = this.serverAt(host);
    if (!serverId || !this.ionos.guestUp(serverId)) throw new NetworkError('ssh', `${host} ${verb}`, 'connect ECONNREFUSED');
    if (this.withoutChannel.has(host)) throw new NoChannelError(host);
    this.calls.push({ host, verb });
    this.ionos.guestPowerOff(serverId, this.random() < this.hangRate);
    if (fault?.kind === 'lost') throw new NetworkError('ssh', `${host} ${verb}`, 'the connection closed before the agent answered');
  }
}
