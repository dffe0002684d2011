// The API view of a stored result: sections the user may not see removed (with a notice in their place), section
// classifications raised to the file's, structured bodies parsed back into objects, tags as a list with
// short_type/safelisted, and optionally `section_hierarchy` rebuilt from the depths. Also the synthetic result
// served for an empty-result key, which has no stored record.
import { daysFromNow, isoDate } from '../util/time.js';
import { defaultClassification, type ClassificationOps } from './c12n.js';
import { parseResultKey } from './keys.js';
import type { ResultFile, ResultRecord, ResultSection, SectionHeuristicRecord } from './model.js';
import { flattenTags, tagList, type ApiTag } from './tags.js';

/** Body formats whose body is stored as JSON text. */
export const JSON_BODY_FORMATS: ReadonlySet<string> = new Set([
  'GRAPH_DATA', 'IMAGE', 'JSON', 'KEY_VALUE', 'MULTI', 'ORDERED_KEY_VALUE', 'PROCESS_TREE', 'SANDBOX', 'TABLE',
  'TIMELINE', 'URL',
]);

export interface FormattedSection {
  title_text: string;
  body: unknown;
  body_format: string;
  body_config?: Record<string, unknown>;
  classification: string;
  depth: number;
  heuristic: SectionHeuristicRecord | null;
  tags: ApiTag[];
  auto_collapse?: boolean;
  zeroize_on_tag_safe?: boolean;
  promote_to?: string | null;
}

export interface HierarchyNode {
  id: number;
  children: HierarchyNode[];
}

/** A stored result, or the synthetic one of an empty-result key (which has no type or size). */
export type AnyResultRecord = ResultRecord | EmptyResultRecord;
export type EmptyResultRecord = Omit<ResultRecord, 'type' | 'size'> & { type: null; size: null };

export type FormattedResult = Omit<ResultRecord, 'result' | 'type' | 'size'> & {
  type: string | null;
  size: number | null;
  result: { score: number; sections: FormattedSection[] };
  section_hierarchy?: HierarchyNode[];
};

/** A section in API form: JSON bodies parsed (left as text if they do not parse), tags listed. */
export function formatSection(section: ResultSection): FormattedSection {
  const { safelisted_tags: safelisted, tags, body, ...rest } = section;
  let parsed: unknown = body;
  if (typeof body === 'string' && JSON_BODY_FORMATS.has(section.body_format)) {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  }
  return { ...rest, body: parsed, tags: [...tagList(flattenTags(tags)), ...tagList(safelisted ?? {}, true)] };
}

/**
 * The section tree from depths, or null when the depths cannot form one (a section more than one level below
 * the previous one, or a first section that is not at depth 0): the UI then falls back to a flat display.
 */
export function sectionHierarchy(sections: ReadonlyArray<{ depth: number }>): HierarchyNode[] | null {
  const roots: HierarchyNode[] = [];
  const open: HierarchyNode[] = [];
  for (let id = 0; id < sections.length; id++) {
    const depth = sections[id]!.depth;
    if (depth > open.length || depth < 0) return null;
    const node: HierarchyNode = { id, children: [] };
    if (depth === 0) roots.push(node);
    else open[depth - 1]!.children.push(node);
    open.length = depth;
    open.push(node);
  }
  return roots;
}

export interface FormatOptions {
  /** The viewer's classification; everything is visible when absent. */
  userClassification?: string;
  /** Classification every part is raised to: the file's. Defaults to the result's own. */
  minClassification?: string;
  buildHierarchy?: boolean;
  classificationOps?: ClassificationOps;
}

const SANITIZED_NOTICE =
  'One of the sections produced by the service has been removed because you do not have enough privileges to see '
  + 'its results. \n\nContact system administrators for more information.';

/** The API form of a result, or null when the viewer may not see it at all. The record is not modified. */
export function formatResult(record: AnyResultRecord, opts: FormatOptions = {}): FormattedResult | null {
  const c12n = opts.classificationOps ?? defaultClassification;
  const minC = opts.minClassification ?? record.classification;
  const user = opts.userClassification;
  const canSee = (c: string) => user === undefined || c12n.isAccessible(user, c);
  if (!canSee(minC)) return null;

  let maxC = minC;
  const visible = record.result.sections.filter((s) => canSee(s.classification));
  const sections: FormattedSection[] = visible.map((s) => {
    const classification = c12n.max(s.classification, minC);
    maxC = c12n.max(maxC, classification);
    return formatSection({ ...s, classification });
  });
  if (visible.length !== record.result.sections.length) {
    sections.unshift({
      title_text: 'WARNING: Service sections have been sanitized',
      body: SANITIZED_NOTICE,
      body_format: 'TEXT',
      classification: c12n.unrestricted,
      depth: 0,
      heuristic: null,
      tags: [],
    });
  }
  const files = (list: ResultFile[]) => list.filter((f) => canSee(f.classification));
  const out: FormattedResult = {
    ...record,
    classification: c12n.max(maxC, minC),
    response: { ...record.response, extracted: files(record.response.extracted), supplementary: files(record.response.supplementary) },
    result: { score: record.result.score, sections },
  };
  if (opts.buildHierarchy) {
    const hierarchy = sectionHierarchy(sections);
    if (hierarchy) out.section_hierarchy = hierarchy;
  }
  return out;
}

export interface EmptyResultOptions {
  classification?: string;
  /** Days an empty result stays cached (Assemblyline's submission.emptyresult_dtl, 5 by default). */
  ttlDays?: number;
  now?: Date | number;
}

/**
 * The result an empty-result key stands for: no sections, score 0, the service name and version taken from the
 * key (the version as written there, underscores and all). Null when the key is not an empty-result key.
 */
export function emptyResultFromKey(key: string, opts: EmptyResultOptions = {}): EmptyResultRecord | null {
  const parsed = parseResultKey(key);
  if (!parsed?.isEmpty) return null;
  const now = opts.now ?? Date.now();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const created = isoDate(nowMs);
  return {
    archive_ts: null,
    classification: opts.classification ?? defaultClassification.unrestricted,
    created,
    expiry_ts: daysFromNow(opts.ttlDays ?? 5, nowMs),
    sha256: parsed.sha256,
    type: null,
    size: null,
    drop_file: false,
    partial: false,
    from_archive: false,
    response: {
      milestones: { service_started: created, service_completed: created },
      service_version: parsed.serviceVersion,
      service_name: parsed.serviceName,
      service_tool_version: null,
      service_context: null,
      service_debug_info: null,
      extracted: [],
      supplementary: [],
    },
    result: { score: 0, sections: [] },
  };
}
