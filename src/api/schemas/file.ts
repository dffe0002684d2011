// Response schemas of the file routes: the file record (Assemblyline's `file` model) and the analyst views.
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const FileRecord = Type.Object(
  {
    sha256: Type.String(),
    sha1: Type.String(),
    md5: Type.String(),
    ssdeep: Type.String(),
    tlsh: Nullable(Type.String()),
    size: Type.Integer(),
    entropy: Type.Number(),
    type: Type.String({ description: 'Assemblyline file type, e.g. executable/windows/pe32' }),
    magic: Type.String(),
    mime: Nullable(Type.String()),
    ascii: Type.String({ description: 'first 64 bytes, non-printable ones as dots' }),
    hex: Type.String({ description: 'first 64 bytes in hex' }),
    classification: Type.String(),
    seen: Type.Object({ count: Type.Integer(), first: Type.String(), last: Type.String() }),
    expiry_ts: Nullable(Type.String()),
    archive_ts: Nullable(Type.String()),
    from_archive: Type.Boolean(),
    is_section_image: Type.Boolean(),
    is_supplementary: Type.Boolean(),
    labels: Type.Array(Type.String()),
    label_categories: Type.Object({ info: Type.Array(Type.String()), technique: Type.Array(Type.String()), attribution: Type.Array(Type.String()) }),
    // Analyst comments are documents Assemblyline's UI writes; they are returned as stored.
    comments: Type.Array(Type.Unknown()),
    // What a URI file points at, as the identification of that file described it; its keys vary with the URI.
    uri_info: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  },
  { description: 'A file record' },
);

export const FileView = Type.Object({ content: Type.String(), truncated: Type.Boolean({ description: 'the file is longer than what was shown' }) });
