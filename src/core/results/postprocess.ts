// Turning what a service returned into the stored result record, the way Assemblyline's service server does on
// receipt: sections flattened with their depth, heuristics re-scored from the catalogue, tags validated and
// safelisted, scores summed, and the result marked empty when it says nothing (those are only cached by key).
// Also the error record of a failed task.
import type { ServiceManifest } from '../../sdk/manifest.js';
import type { ExtractedFile, OutputSection, ServiceOutput } from '../../sdk/output.js';
import { daysFromNow, isoDate } from '../util/time.js';
import type { AttackLookup } from './attack.js';
import { defaultClassification, type ClassificationOps } from './c12n.js';
import { scoreHeuristic } from './heuristics.js';
import type {
  ErrorRecord, ErrorStatus, ErrorType, HeuristicRecord, ResultFile, ResultRecord, ResultSection, SectionHeuristicRecord,
} from './model.js';
import { nestTags, splitSafelisted, type TagSafelist } from './tags.js';
import { validateTags, type InvalidTag, type TagValidationOptions } from '../../sdk/tags/validate.js';

export interface ResultSafelist extends TagSafelist {
  /** Safelisted signature names: a heuristic whose signatures are all safelisted scores 0. */
  signatures?: ReadonlySet<string>;
}

export interface ResultContext {
  manifest: Pick<ServiceManifest, 'name' | 'version'>;
  sha256: string;
  type: string;
  size: number;
  /** Wins over the tool version the service reported. */
  serviceToolVersion?: string | null;
  started: string;
  completed: string;
  /** Days before the result expires; 0 or less keeps it forever. */
  ttlDays: number;
  /** Default (and minimum) classification of the result, its sections and its files. */
  classification: string;
  /** Heuristic catalogue: heur_id → record. */
  heuristics: ReadonlyMap<string, HeuristicRecord>;
  safelist?: ResultSafelist;
  /** Sha256 of each extracted or supplementary file, by the path the service gave. */
  extracted: ReadonlyMap<string, string>;
  attackLookup?: AttackLookup;
  tagOptions?: TagValidationOptions;
  classificationOps?: ClassificationOps;
  now?: Date | number;
}

export interface SectionInvalidTag extends InvalidTag {
  /** Index of the section in the stored (flattened) section list. */
  section: number;
}

export interface BuiltResult {
  record: ResultRecord;
  isEmpty: boolean;
  invalidTags: SectionInvalidTag[];
  /** Other things dropped on the way (untitled sections, unknown heuristics, files with no stored sha256). */
  warnings: string[];
}

const STRUCTURED_DEFAULT = 'JSON';

function isBlank(body: unknown): boolean {
  if (body === null || body === undefined || body === '') return true;
  if (Array.isArray(body)) return body.length === 0;
  return typeof body === 'object' && Object.keys(body).length === 0;
}

/** Structured bodies are stored as JSON text; empty bodies of any kind as null. */
function storedBody(section: OutputSection): { body: string | null; format: string } {
  const raw = section.body;
  const format = section.bodyFormat ?? (typeof raw === 'string' || raw == null ? 'TEXT' : STRUCTURED_DEFAULT);
  if (isBlank(raw)) return { body: null, format };
  return { body: typeof raw === 'string' ? raw : JSON.stringify(raw), format };
}

/**
 * Drops untitled sections together with their subsections (as Assemblyline's result builder does) and clamps
 * depths so each section is at most one level below the previous one, which keeps the hierarchy buildable.
 */
function keptSections(sections: readonly OutputSection[], warnings: string[]): Array<{ section: OutputSection; depth: number }> {
  const out: Array<{ section: OutputSection; depth: number }> = [];
  let skipBelow: number | null = null;
  let prev = -1;
  for (const section of sections) {
    const requested = Math.max(0, Math.trunc(section.depth ?? 0));
    if (skipBelow !== null && requested > skipBelow) continue;
    skipBelow = null;
    if (!section.title) {
      warnings.push('A section without a title was dropped with its subsections');
      skipBelow = requested;
      continue;
    }
    const depth = Math.min(requested, prev + 1);
    out.push({ section, depth });
    prev = depth;
  }
  return out;
}

function resultFile(f: ExtractedFile, sha256: string, classification: string): ResultFile {
  return {
    name: f.name,
    sha256,
    description: f.description,
    classification,
    is_section_image: f.isSectionImage ?? false,
    parent_relation: f.parentRelation ?? (f.supplementary ? 'INFORMATION' : 'EXTRACTED'),
    allow_dynamic_recursion: f.allowDynamicRecursion ?? false,
  };
}

export function buildResult(output: ServiceOutput, ctx: ResultContext): BuiltResult {
  const c12n = ctx.classificationOps ?? defaultClassification;
  const now = ctx.now ?? Date.now();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const serviceName = ctx.manifest.name;
  const warnings: string[] = [];
  const invalidTags: SectionInvalidTag[] = [];
  const safelist = ctx.safelist ?? {};
  let classification = ctx.classification;
  let score = 0;

  const sections: ResultSection[] = keptSections(output.sections ?? [], warnings).map(({ section, depth }, index) => {
    let heuristic: SectionHeuristicRecord | null = null;
    const flat: Record<string, unknown[]> = {};
    for (const [type, values] of Object.entries(section.tags ?? {})) flat[type] = [...(Array.isArray(values) ? values : [values])];
    if (section.heuristic) {
      const scored = scoreHeuristic(serviceName, section.heuristic, ctx.heuristics, {
        attackLookup: ctx.attackLookup,
        safeSignatures: safelist.signatures,
      });
      if (scored.heuristic) {
        heuristic = scored.heuristic;
        for (const [type, value] of scored.tags) (flat[type] ??= []).push(value);
      } else {
        warnings.push(`${scored.reason}; section "${section.title}" keeps no heuristic`);
      }
    }
    const checked = validateTags(flat, ctx.tagOptions);
    for (const bad of checked.invalid) invalidTags.push({ ...bad, section: index });
    const split = splitSafelisted(checked.tags, safelist);
    // A section whose every tag turned out safelisted is noise when the service asked for it to be.
    if (section.zeroizeOnTagSafe && heuristic && Object.keys(split.tags).length === 0 && Object.keys(split.safelisted).length > 0) {
      heuristic = { ...heuristic, score: 0 };
    }
    score += heuristic?.score ?? 0;
    const sectionClassification = c12n.max(ctx.classification, section.classification ?? ctx.classification);
    classification = c12n.max(classification, sectionClassification);
    const { body, format } = storedBody(section);
    return {
      title_text: section.title,
      body,
      body_format: format,
      body_config: { ...(section.bodyConfig ?? {}) },
      classification: sectionClassification,
      depth,
      heuristic,
      tags: nestTags(split.tags),
      safelisted_tags: split.safelisted,
      auto_collapse: section.autoCollapse ?? false,
      zeroize_on_tag_safe: section.zeroizeOnTagSafe ?? false,
      promote_to: section.promoteTo ?? null,
    };
  });

  const extracted: ResultFile[] = [];
  const supplementary: ResultFile[] = [];
  for (const f of output.extracted ?? []) {
    const sha256 = ctx.extracted.get(f.path);
    if (!sha256) {
      warnings.push(`File "${f.name}" has no stored copy and was left out`);
      continue;
    }
    (f.supplementary ? supplementary : extracted).push(resultFile(f, sha256, ctx.classification));
  }

  const partial = output.partial ?? false;
  const record: ResultRecord = {
    archive_ts: null,
    classification,
    created: isoDate(nowMs),
    expiry_ts: ctx.ttlDays > 0 ? daysFromNow(ctx.ttlDays, nowMs) : null,
    sha256: ctx.sha256,
    type: ctx.type,
    size: ctx.size,
    drop_file: output.dropFile ?? false,
    partial,
    from_archive: false,
    response: {
      milestones: { service_started: ctx.started, service_completed: ctx.completed },
      service_version: ctx.manifest.version,
      service_name: serviceName,
      service_tool_version: ctx.serviceToolVersion ?? output.serviceToolVersion ?? null,
      service_context: output.serviceContext ?? null,
      service_debug_info: null,
      extracted,
      supplementary,
    },
    result: { score, sections },
  };
  const isEmpty = !partial && score === 0 && sections.length === 0 && extracted.length === 0 && supplementary.length === 0;
  return { record, isEmpty, invalidTags, warnings };
}

export interface ErrorInput {
  sha256: string;
  serviceName: string;
  serviceVersion: string;
  serviceToolVersion?: string | null;
  /** Defaults to EXCEPTION, Assemblyline's default error type. */
  type?: ErrorType;
  message: string;
  /** Explicit status; otherwise derived from `recoverable` (non-recoverable unless said otherwise). */
  status?: ErrorStatus;
  recoverable?: boolean;
  severity?: 'error' | 'warning';
  serviceDebugInfo?: string | null;
  ttlDays?: number;
  now?: Date | number;
}

export function errorRecord(input: ErrorInput): ErrorRecord {
  const now = input.now ?? Date.now();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return {
    archive_ts: null,
    created: isoDate(nowMs),
    expiry_ts: input.ttlDays && input.ttlDays > 0 ? daysFromNow(input.ttlDays, nowMs) : null,
    response: {
      message: input.message,
      service_debug_info: input.serviceDebugInfo ?? null,
      service_name: input.serviceName,
      service_tool_version: input.serviceToolVersion ?? null,
      service_version: input.serviceVersion,
      status: input.status ?? (input.recoverable ? 'FAIL_RECOVERABLE' : 'FAIL_NONRECOVERABLE'),
    },
    sha256: input.sha256,
    type: input.type ?? 'EXCEPTION',
    severity: input.severity ?? 'error',
  };
}
