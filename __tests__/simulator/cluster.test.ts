import { Cluster, type ClusterOptions } from '../../simulator/cluster';
import type { TraceMeeting } from '../../simulator/trace';

const OPTIONS: ClusterOptions = { bootDelayMinutes: 4, resizeDelayMinutes: 2, shutdownMinutes: 1, maintenanceMinutes: 10, capacityPerServer: 100, baseCores: 8, baseRamGb: 16, webcamWeight: 3 };

let line = 1;
function meeting(startMinute: number, participants: number, durationMin = 60, webcams = 0): TraceMeeting {
  line += 1;
  return { line, startMinute, durationMin, participants, webcams };
}

function cluster(servers = 2): Cluster {
  const result = new Cluster(Array.from({ length: servers }, (_, index) => `s${index + 1}`), OPTIONS);
  for (const server of result.servers) result.bootInstantly(server);
  return result;
}

describe('Scalelite placement', () => {
  it('picks the lowest load among enabled, online servers, ties to the first', () => {
    const c = cluster(3);
    expect(c.place(meeting(0, 20), 0)?.name).toBe('s1');
    expect(c.place(meeting(0, 20), 0)?.name).toBe('s2');
    expect(c.place(meeting(0, 20), 0)?.name).toBe('s3');
  });

  it('counts a meeting younger than 15 minutes as at least 15 users', () => {
    const c = cluster(2);
    expect(c.place(meeting(0, 12), 0)?.name).toBe('s1');
    expect(c.place(meeting(10, 5), 10)?.name).toBe('s2');
    // s2 has fewer users (5) but its meeting is young and counts 15 > s1's 12.
    expect(c.servers[1].scaleliteLoad(16)).toBe(15);
    expect(c.place(meeting(16, 1), 16)?.name).toBe('s1');
    // Once old, s2 counts its 5 users.
    expect(c.place(meeting(25, 1), 25)?.name).toBe('s2');
  });

  it('multiplies the load by the load multiplier', () => {
    const c = cluster(2);
    c.place(meeting(0, 30), 0);
    c.place(meeting(0, 40), 0);
    c.servers[1].loadMultiplier = 0.5;
    expect(c.servers[1].scaleliteLoad(30)).toBe(20);
    expect(c.place(meeting(30, 1), 30)?.name).toBe('s2');
  });

  it('skips cordoned, disabled and not yet answering servers, and rejects when none is left', () => {
    const c = new Cluster(['s1', 's2', 's3', 's4'], OPTIONS);
    c.bootInstantly(c.servers[0]);
    c.bootInstantly(c.servers[1]);
    c.bootInstantly(c.servers[2]);
    c.servers[0].scalelite = 'cordoned';
    c.servers[1].scalelite = 'disabled';
    c.servers[3].scalelite = 'enabled';
    c.start(c.servers[3], 0);
    expect(c.place(meeting(0, 10), 0)?.name).toBe('s3');
    c.servers[2].scalelite = 'cordoned';
    expect(c.place(meeting(1, 10), 1)).toBeUndefined();
    expect(c.meetingsRejected).toBe(1);
  });

  it('keeps meetings on their server until they end', () => {
    const c = cluster(1);
    c.place(meeting(0, 10, 30), 0);
    c.advance(29);
    expect(c.servers[0].meetings).toHaveLength(1);
    c.advance(30);
    expect(c.servers[0].meetings).toHaveLength(0);
  });
});

describe('server lifecycle', () => {
  it('answers the boot delay after a start', () => {
    const c = new Cluster(['s1'], OPTIONS);
    const server = c.servers[0];
    expect(c.start(server, 10)).toBe(true);
    expect(server.power).toBe('starting');
    c.advance(11);
    expect(server.power).toBe('running');
    expect(server.answering(13)).toBe(false);
    expect(server.answering(14)).toBe(true);
  });

  it('kills the meetings of a stopped server', () => {
    const c = cluster(1);
    c.place(meeting(0, 10), 0);
    c.place(meeting(0, 10), 0);
    expect(c.stop(c.servers[0], 5)).toBe(true);
    expect(c.meetingsKilled).toBe(2);
    expect(c.servers[0].power).toBe('stopping');
    c.advance(6);
    expect(c.servers[0].power).toBe('stopped');
  });

  it('bills cores hot-plugged into a running server at once, but carries more only after its next boot', () => {
    const c = cluster(1);
    c.resize(c.servers[0], 16, 32, 10);
    expect(c.servers[0].cores).toBe(16);
    c.advance(30);
    expect(c.capacityOf(c.servers[0])).toBe(100);
    expect(c.stats(30)).toMatchObject({ serverUnits: 2, cores: 16, ramGb: 32 });
    // Powered off and started again, it boots with them.
    c.stop(c.servers[0], 31);
    c.advance(32);
    c.start(c.servers[0], 40);
    expect(c.capacityOf(c.servers[0])).toBe(200);
  });

  it('powers a guest off gently: billed until IONOS stops it, then released', () => {
    const c = cluster(1);
    expect(c.powerOff(c.servers[0], 0)).toBe(true);
    expect(c.servers[0].power).toBe('shuttingDown');
    c.advance(1);
    expect(c.servers[0].power).toBe('off');
    expect(c.servers[0].billed()).toBe(true);
    expect(c.stops).toBe(1);
    c.stop(c.servers[0], 1);
    c.advance(2);
    expect(c.servers[0].power).toBe('stopped');
    expect(c.servers[0].billed()).toBe(false);
    // Releasing a guest that is off is no second stop.
    expect(c.stops).toBe(1);
  });

  it('restarts a running server that is resized down', () => {
    const c = cluster(1);
    c.resize(c.servers[0], 16, 32, 0);
    c.advance(2);
    c.place(meeting(2, 10), 2);
    c.resize(c.servers[0], 8, 16, 5);
    expect(c.meetingsKilled).toBe(1);
    expect(c.capacityOf(c.servers[0])).toBe(100);
    expect(c.servers[0].answering(8)).toBe(false);
    expect(c.servers[0].answering(9)).toBe(true);
  });

  it('lets Scalelite disable a cordoned server once its load is zero', () => {
    const c = cluster(1);
    c.place(meeting(0, 10, 20), 0);
    c.servers[0].scalelite = 'cordoned';
    c.advance(19);
    expect(c.servers[0].scalelite).toBe('cordoned');
    c.advance(20);
    expect(c.servers[0].scalelite).toBe('disabled');
  });
});

describe('what IONOS reports', () => {
  it('shows a start or stop in progress as BUSY in the old power state, as the real API does', () => {
    const c = new Cluster(['s1'], OPTIONS);
    const server = c.servers[0];
    expect(server.ionosState(0)).toEqual({ vmState: 'SHUTOFF', provisioningState: 'AVAILABLE' });
    c.start(server, 10);
    expect(server.ionosState(10)).toEqual({ vmState: 'SHUTOFF', provisioningState: 'BUSY' });
    c.advance(11);
    expect(server.ionosState(11)).toEqual({ vmState: 'RUNNING', provisioningState: 'AVAILABLE' });
    c.stop(server, 20);
    expect(server.ionosState(20)).toEqual({ vmState: 'RUNNING', provisioningState: 'BUSY' });
    c.advance(21);
    expect(server.ionosState(21)).toEqual({ vmState: 'SHUTOFF', provisioningState: 'AVAILABLE' });
  });

  it('shows a hot-plug, and the restart of a resize down, as BUSY until done', () => {
    const c = cluster(1);
    const server = c.servers[0];
    c.resize(server, 16, 32, 10);
    expect(server.ionosState(11).provisioningState).toBe('BUSY');
    c.advance(12);
    expect(server.ionosState(12).provisioningState).toBe('AVAILABLE');
    c.resize(server, 8, 16, 20);
    expect(server.bootedAt).toBe(20);
    expect(server.ionosState(21).provisioningState).toBe('BUSY');
    expect(server.ionosState(22).provisioningState).toBe('AVAILABLE');
  });
});

describe('minute statistics', () => {
  it('count powered servers by size and overloaded ones', () => {
    const c = cluster(3);
    c.place(meeting(0, 90, 60, 10), 0); // 120 weighted > 100
    c.place(meeting(0, 50), 0);
    c.resize(c.servers[2], 16, 32, 0);
    c.stop(c.servers[1], 0);
    c.advance(1);
    expect(c.stats(1)).toEqual({ minute: 1, load: 120, capacity: 200, poweredOn: 2, serverUnits: 3, cores: 24, ramGb: 48, overloadedServers: 1, maintenanceUnits: 0, capacityTaken: false });
  });

  it('count the servers in the maintenance cycle\u2019s hands, and whether one was taken out of rotation', () => {
    const c = cluster(3);
    c.servers[1].maintenance = 'started';
    c.servers[2].maintenance = 'taken';
    c.resize(c.servers[2], 16, 32, 0);
    expect(c.stats(0)).toMatchObject({ serverUnits: 4, maintenanceUnits: 3, capacityTaken: true });
  });

  it('reboot a guest: its meetings end, it answers again from a new boot, IONOS reports it running throughout', () => {
    const c = cluster(1);
    c.place(meeting(0, 30), 0);
    c.reboot(c.servers[0], 10, 2);
    expect(c.meetingsKilled).toBe(1);
    expect(c.servers[0]).toMatchObject({ bootedAt: 11, answersAt: 12 });
    expect(c.servers[0].answering(11)).toBe(false);
    expect(c.servers[0].answering(12)).toBe(true);
    expect(c.servers[0].ionosState(11)).toEqual({ vmState: 'RUNNING', provisioningState: 'AVAILABLE' });
  });
});
