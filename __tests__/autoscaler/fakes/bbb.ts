/**
 * A fake fleet of BigBlueButton servers, each under its own path prefix
 * (/<host>/bigbluebutton/api/...): getMeetings and getRecordings with BBB's XML
 * shapes, checksum checks with each server's secret, and no answer at all while the
 * server's VM is off.
 */
import { bbbErrorXml, verifyChecksum } from './checksum';
import { type FakeRequest, type FakeResponse, Faults, UNREACHABLE } from './transport';

export interface FakeMeeting {
  meetingId: string;
  participantCount: number;
  videoCount: number;
  voiceParticipantCount: number;
  recording: boolean;
  isBreakout?: boolean;
}

export interface FakeBbbHost {
  readonly host: string;
  secret: string;
  meetings: FakeMeeting[];
  /** Recordings getRecordings lists as state=processing. */
  processingRecordings: number;
  /** Raw recordings waiting for processing: the API does not list them, the pending gauge counts them. */
  queuedRecordings: number;
  /** Recordings processed and published long ago; their files stay on the server. */
  publishedRecordings: number;
  /** When the recording count file was last written (Unix seconds); unset: just now. */
  recordingCountWrittenAt?: number;
  /** Whether the VM runs and BBB answers; a stopped server refuses connections. */
  reachable: () => boolean;
}

const API = '/bigbluebutton/api';

function xml(body: string): FakeResponse {
  return { status: 200, headers: { 'content-type': 'text/xml;charset=utf-8' }, body };
}

function meetingXml(meeting: FakeMeeting): string {
  return [
    '<meeting>',
    `<meetingName>Class ${meeting.meetingId}</meetingName>`,
    `<meetingID>${meeting.meetingId}</meetingID>`,
    `<internalMeetingID>${meeting.meetingId}-1700000000000</internalMeetingID>`,
    '<createTime>1700000000000</createTime><createDate>Tue Nov 14 22:13:20 UTC 2023</createDate>',
    '<voiceBridge>70001</voiceBridge><dialNumber>613-555-1234</dialNumber>',
    '<attendeePW>ap</attendeePW><moderatorPW>mp</moderatorPW>',
    '<running>true</running><duration>0</duration><hasUserJoined>true</hasUserJoined>',
    `<recording>${meeting.recording}</recording><hasBeenForciblyEnded>false</hasBeenForciblyEnded>`,
    '<startTime>1700000000100</startTime><endTime>0</endTime>',
    `<participantCount>${meeting.participantCount}</participantCount>`,
    `<listenerCount>${meeting.participantCount - meeting.voiceParticipantCount}</listenerCount>`,
    `<voiceParticipantCount>${meeting.voiceParticipantCount}</voiceParticipantCount>`,
    `<videoCount>${meeting.videoCount}</videoCount>`,
    '<maxUsers>0</maxUsers><moderatorCount>1</moderatorCount>',
    '<attendees><attendee><userID>w_1</userID><fullName>Teacher</fullName><role>MODERATOR</role>',
    '<isPresenter>true</isPresenter><isListeningOnly>false</isListeningOnly><hasJoinedVoice>true</hasJoinedVoice>',
    '<hasVideo>true</hasVideo><clientType>HTML5</clientType></attendee></attendees>',
    // A metadata key named like a structural element must not confuse a parser.
    '<metadata><bbb-origin>Greenlight</bbb-origin><meeting>lesson</meeting></metadata>',
    `<isBreakout>${meeting.isBreakout ?? false}</isBreakout>`,
    '</meeting>',
  ].join('');
}

function recordingXml(index: number): string {
  return (
    `<recording><recordID>rec-${index}</recordID><meetingID>m-${index}</meetingID>` +
    `<name>Recording ${index}</name><published>false</published><state>processing</state>` +
    '<startTime>1700000000000</startTime><endTime>1700003600000</endTime><participants>3</participants>' +
    '<metadata/><playback/></recording>'
  );
}

export class FakeBbbFleet {
  readonly faults = new Faults();
  readonly hosts = new Map<string, FakeBbbHost>();
  readonly calls: Array<{ host: string; call: string }> = [];
  origin = 'http://127.0.0.1';

  addHost(host: Omit<FakeBbbHost, 'meetings' | 'processingRecordings' | 'queuedRecordings' | 'publishedRecordings'> & Partial<FakeBbbHost>): FakeBbbHost {
    const stored: FakeBbbHost = { meetings: [], processingRecordings: 0, queuedRecordings: 0, publishedRecordings: 0, ...host };
    this.hosts.set(host.host, stored);
    return stored;
  }

  apiUrl(host: string): string {
    return `${this.origin}/${host}${API}`;
  }

  readonly handler = (request: FakeRequest): FakeResponse => {
    const url = new URL(request.url, 'http://fake');
    const match = /^\/([^/]+)\/bigbluebutton\/api\/?([A-Za-z]*)$/.exec(url.pathname);
    const host = match ? this.hosts.get(match[1]) : undefined;
    if (!match || !host) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html>404 Not Found</html>' };
    if (!host.reachable()) return UNREACHABLE;
    const call = match[2];
    this.calls.push({ host: host.host, call });
    if (call === '') {
      return xml('<response><returncode>SUCCESS</returncode><version>2.0</version><apiVersion>2.0</apiVersion><bbbVersion>3.0.4</bbbVersion></response>');
    }
    if (!verifyChecksum(call, url.search.replace(/^\?/, ''), host.secret)) {
      return xml(bbbErrorXml('checksumError', 'Checksums do not match'));
    }
    if (call === 'getMeetings') {
      if (host.meetings.length === 0) {
        return xml('<response><returncode>SUCCESS</returncode><meetings/><messageKey>noMeetings</messageKey><message>no meetings were found on this server</message></response>');
      }
      return xml(`<response><returncode>SUCCESS</returncode><meetings>${host.meetings.map(meetingXml).join('')}</meetings></response>`);
    }
    if (call === 'getRecordings') {
      const states = (url.searchParams.get('state') ?? 'published,unpublished').split(',');
      const count = states.includes('processing') || states.includes('any') ? host.processingRecordings : 0;
      if (count === 0) {
        return xml('<response><returncode>SUCCESS</returncode><recordings/><messageKey>noRecordings</messageKey><message>There are no recordings for the meeting(s).</message></response>');
      }
      const recordings = Array.from({ length: count }, (_, i) => recordingXml(i)).join('');
      return xml(`<response><returncode>SUCCESS</returncode><recordings>${recordings}</recordings></response>`);
    }
    return xml(bbbErrorXml('unsupportedRequest', 'This request is not supported.'));
  };
}
