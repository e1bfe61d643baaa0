/**
 * The read-only part of one BigBlueButton server's API the autoscaler needs: which
 * meetings run (getMeetings) and which recordings are still being processed
 * (getRecordings with state=processing), both signed with the server's secret.
 */
import { ApiError, ResponseShapeError } from '../errors';
import { type ChecksumAlgorithm, signedUrl } from './checksum';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpSettings } from './http';
import { type BbbResponse, parseBbbResponse } from './xml';

export interface BbbMeeting {
  readonly meetingId: string;
  readonly running: boolean;
  readonly participantCount: number;
  readonly videoCount: number;
  readonly voiceParticipantCount: number;
  readonly recording: boolean;
}

function count(value: unknown): number {
  const parsed = Number(value ?? 0);
  return Number.isFinite(parsed) ? parsed : 0;
}

function list(container: unknown, key: string): Record<string, unknown>[] {
  if (typeof container !== 'object' || container === null) return [];
  const items = (container as Record<string, unknown>)[key];
  return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
}

export class BbbClient {
  private readonly http: HttpClient;
  private readonly algorithm: ChecksumAlgorithm;

  constructor(
    private readonly apiUrl: string,
    private readonly secret: string,
    options: { http?: HttpSettings; algorithm?: ChecksumAlgorithm } = {},
  ) {
    this.http = new HttpClient('bbb', options.http ?? DEFAULT_HTTP_SETTINGS, (body) => parseBbbResponse(body)?.messageKey);
    this.algorithm = options.algorithm ?? 'sha256';
  }

  async getMeetings(): Promise<BbbMeeting[]> {
    const response = await this.call('getMeetings', {});
    return list(response.meetings, 'meeting').map((meeting) => ({
      meetingId: String(meeting.meetingID ?? ''),
      running: String(meeting.running) === 'true',
      participantCount: count(meeting.participantCount),
      videoCount: count(meeting.videoCount),
      voiceParticipantCount: count(meeting.voiceParticipantCount),
      recording: String(meeting.recording) === 'true',
    }));
  }

  /** Recordings that ended but are not yet processed (and so not yet copied away). */
  async countProcessingRecordings(): Promise<number> {
    const response = await this.call('getRecordings', { state: 'processing' });
    return list(response.recordings, 'recording').length;
  }

  private async call(callName: string, params: Record<string, string>): Promise<BbbResponse> {
    const url = signedUrl(this.apiUrl, callName, params, this.secret, this.algorithm);
    const path = new URL(url).pathname;
    const { status, text } = await this.http.send({ method: 'GET', url });
    const response = parseBbbResponse(text);
    if (!response) throw new ResponseShapeError('bbb', path, 'not a BigBlueButton XML response');
    if (response.returncode !== 'SUCCESS') {
      throw new ApiError('bbb', path, status, `${response.messageKey ?? ''}: ${response.message ?? ''}`, response.messageKey);
    }
    return response;
  }
}
