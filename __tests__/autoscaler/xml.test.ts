import { parseBbbResponse } from '../../functions/autoscaler/clients/xml';

describe('parseBbbResponse', () => {
  it('lists a single meeting as a list, and a metadata key named meeting is not one', () => {
    const response = parseBbbResponse(
      '<?xml version="1.0"?><response><returncode>SUCCESS</returncode><meetings><meeting>' +
        '<meetingID>m-1</meetingID><participantCount> 25 </participantCount>' +
        '<attendees><attendee><userID>w_1</userID></attendee><attendee><userID>w_2</userID></attendee></attendees>' +
        '<metadata><meeting>lesson</meeting></metadata></meeting></meetings></response>',
    );
    expect(response?.returncode).toBe('SUCCESS');
    const meetings = (response?.meetings as { meeting: Array<Record<string, any>> }).meeting;
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ meetingID: 'm-1', participantCount: '25', metadata: { meeting: 'lesson' } });
    expect(meetings[0].attendees.attendee).toEqual([{ userID: 'w_1' }, { userID: 'w_2' }]);
  });

  it('reads an empty list, entities and CDATA', () => {
    const response = parseBbbResponse(
      '<response><returncode>SUCCESS</returncode><recordings/><message><![CDATA[a <b> c]]> &amp; d</message></response>',
    );
    expect(response).toEqual({ returncode: 'SUCCESS', recordings: '', message: 'a <b> c & d' });
  });

  it('reads an error document', () => {
    expect(parseBbbResponse('<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey><message>no</message></response>')).toEqual({
      returncode: 'FAILED',
      messageKey: 'checksumError',
      message: 'no',
    });
  });

  it.each([
    ['an HTML error page', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['JSON', '{"returncode":"SUCCESS"}'],
    ['an empty body', ''],
  ])('finds no response in %s', (_what, text) => {
    expect(parseBbbResponse(text)).toBeUndefined();
  });
});
