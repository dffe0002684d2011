// Response schema of the submission report: the submission record with what an analyst reads first.
import { Type } from '@sinclair/typebox';
import { FileRecord } from './file.js';
import { Nullable, Strings } from './common.js';
import { Section } from './result.js';
import { FileTree, paramsFields, serviceSelectionFields, submissionFields } from './submission.js';

const HType = Type.String({ description: 'malicious, suspicious, info or safe' });
/** [name, sha256]: one entry per name the file has in the tree. */
const NamedFiles = Type.Array(Type.Tuple([Type.String(), Type.String()]));
const Finding = Type.Object({ h_type: HType, files: NamedFiles });
/** Findings by tag type, then by value. */
const TagFindings = Type.Record(Type.String(), Type.Record(Type.String(), Finding));
const FilesByHeuristic = Type.Record(Type.String(), NamedFiles);

const { results: _results, errors: _errors, params: _params, ...reported } = submissionFields;

export const SubmissionReport = Type.Object({
  ...reported,
  params: Type.Object({
    ...paramsFields,
    services: Type.Object({ ...serviceSelectionFields, errors: Type.Array(Type.String(), { description: 'services that failed' }) }),
  }),
  file_tree: FileTree,
  report_filtered: Type.Boolean(),
  report_partial: Type.Optional(Type.Boolean()),
  heuristic_sections: Type.Record(Type.String(), Type.Array(Section)),
  heuristic_name_map: Type.Record(Type.String(), Strings),
  attack_matrix: Type.Record(Type.String(), Type.Record(Type.String(), Finding), { description: 'by tactic, then by technique name' }),
  heuristics: Type.Object({ info: FilesByHeuristic, safe: FilesByHeuristic, suspicious: FilesByHeuristic, malicious: FilesByHeuristic }),
  tags: Type.Partial(Type.Object({ behaviors: TagFindings, attributions: TagFindings, indicators_of_compromise: TagFindings })),
  important_files: Strings,
  file_info: Nullable(FileRecord),
  promoted_sections: Type.Array(Section),
});
