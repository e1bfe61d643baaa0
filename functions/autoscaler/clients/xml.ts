/** BBB-style XML error documents: <response><returncode>FAILED</returncode><messageKey/>... */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'response.meetings.meeting' || jpath === 'response.recordings.recording',
});

export interface BbbResponse {
  readonly returncode?: string;
  readonly messageKey?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

/** The <response> element, or undefined when the text is not such a document. */
export function parseBbbResponse(text: string): BbbResponse | undefined {
  if (!text.trimStart().startsWith('<')) return undefined;
  try {
    const document = parser.parse(text) as { response?: unknown };
    return typeof document.response === 'object' && document.response !== null
      ? (document.response as BbbResponse)
      : undefined;
  } catch {
    return undefined;
  }
}
