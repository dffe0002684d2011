// The e-mail analyser's manifest. It runs at EXTRACT, like Assemblyline's EmlParser is used: its main job is
// handing attachments (and the passwords written for them) to the rest of the pipeline. Its heuristics are
// sender-consistency and authentication signals; each alone is weak, so scores stay modest.
import type { ServiceManifest } from '../../sdk/index.js';

export const HEUR = {
  REPLY_TO_MISMATCH: 1,
  RETURN_PATH_MISMATCH: 2,
  AUTH_FAILED: 3,
  PASSWORD_ARCHIVE: 4,
  UNPARSABLE: 5,
} as const;

const EMAIL = 'document/(office/)?email';

export const manifest: ServiceManifest = {
  name: 'Email',
  version: '1.0.0',
  stage: 'EXTRACT',
  category: 'Extraction',
  description: 'Parses e-mail (.eml and Outlook .msg): headers, Received hops, authentication results, bodies, links, attachments and passwords written in the body.',
  accepts: 'document/email|document/office/email',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 60,
  memoryMb: 1024,
  config: { max_attachments: 200, body_text_chars: 5000, email_body_chars: 20_000 },
  heuristics: [
    {
      id: HEUR.REPLY_TO_MISMATCH, name: 'Reply-To differs from From', score: 50, filetype: EMAIL, attack: ['T1566'],
      description: 'Replies go to another domain than the sender\'s, a common trait of impersonation and fraud.',
    },
    {
      id: HEUR.RETURN_PATH_MISMATCH, name: 'Return-Path differs from From', score: 10, filetype: EMAIL,
      description: 'The envelope sender\'s domain is not the From domain (also normal for mailing services).',
    },
    {
      id: HEUR.AUTH_FAILED, name: 'Sender authentication failed', score: 100, filetype: EMAIL, attack: ['T1566'], maxScore: 300,
      description: 'SPF, DKIM or DMARC failed for this message.',
      signatureScoreMap: { spf_softfail: 20, dkim_fail: 100, spf_fail: 100, dmarc_fail: 100 },
    },
    {
      id: HEUR.PASSWORD_ARCHIVE, name: 'Protected archive with its password in the body', score: 100, filetype: EMAIL, attack: ['T1566.001', 'T1027'],
      description: 'An archive is attached and the body gives its password, a way to get the payload past mail filters.',
    },
    { id: HEUR.UNPARSABLE, name: 'Unparsable message', score: 0, filetype: EMAIL, description: 'The message could not be parsed.' },
  ],
};
