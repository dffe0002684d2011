// Detection signatures as Assemblyline keeps them: one record per rule, keyed `<type>_<source>_<signature_id>`,
// with a status lifecycle (drafts → deployed → disabled) that the owning service reads its rule set from.
// Status rules and error messages follow Assemblyline's signature API so existing clients behave the same.
// Given a rules directory, every change is written out there before it is answered, so the next scan uses it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TextReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { AssayError, badRequest, notFound } from '../errors.js';
import type { Collection, Datastore, Filter } from '../../store/datastore.js';
import { parseListQuery } from '../search/list-query.js';
import { yaraCompileError } from '../../sdk/yarax.js';

export const DEPLOYED_STATUSES = ['DEPLOYED', 'NOISY', 'DISABLED'] as const;
export const DRAFT_STATUSES = ['STAGING', 'TESTING'] as const;
export const STALE_STATUSES = ['INVALID'] as const;
export const SIGNATURE_STATUSES = [...DEPLOYED_STATUSES, ...DRAFT_STATUSES, ...STALE_STATUSES] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

/** Statuses whose rules a service actually runs (noisy rules still run; their hits are just down-weighted). */
export const ACTIVE_STATUSES: SignatureStatus[] = ['DEPLOYED', 'NOISY'];

export interface SignatureStats {
  count: number;
  min: number;
  max: number;
  avg: number;
  sum: number;
  first_hit: string | null;
  last_hit: string | null;
}

export interface SignatureStat extends SignatureStats {
  id: string;
  classification: string;
  name: string;
  source: string;
  type: string;
}

export interface SignatureRecord {
  classification: string;
  data: string;
  last_modified: string;
  name: string;
  order: number;
  revision: string;
  signature_id: string;
  source: string;
  state_change_date: string | null;
  state_change_user: string | null;
  stats: SignatureStats;
  status: SignatureStatus;
  type: string;
}

/** What a client sends to add_update: the mandatory trio plus any record field. */
export type SignatureInput = Partial<SignatureRecord> & { name?: string; type?: string; data?: string; source?: string };

/** The fields a download query may name. */
const QUERY_FIELDS = ['name', 'type', 'source', 'status', 'signature_id', 'classification'];
/** What a download holds when the caller names nothing: the rules in force. */
const DEFAULT_DOWNLOAD_QUERY = 'status:DEPLOYED';

const emptyStats = (): SignatureStats => ({ count: 0, min: 0, max: 0, avg: 0, sum: 0, first_hit: null, last_hit: null });
const isStatus = (s: unknown): s is SignatureStatus => SIGNATURE_STATUSES.includes(s as SignatureStatus);

export function signatureKey(type: string, source: string, signatureId: string): string {
  return `${type}_${source}_${signatureId}`;
}

/** Source names become file names in downloads and rule directories; keep them to a safe alphabet. */
export function safeFileName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_') || '_';
}

export interface DownloadedSignatures {
  fileName: string;
  zip: Uint8Array;
}

/** Where the host writes the deployed YARA rules for the analyser workers. */
export function rulesDir(dataDir: string): string {
  return join(dataDir, 'signatures', 'yara');
}

export interface SignatureStoreOptions {
  /** Where the active YARA rules are rewritten after every change (see exportActive); none: not written. */
  rulesDir?: string;
  defaultClassification?: string;
}

export class SignatureStore {
  readonly records: Collection<SignatureRecord>;
  private readonly defaultClassification: string;
  /** Exports run one after the other, so the last one to finish reflects the last change. */
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(datastore: Datastore, private readonly opts: SignatureStoreOptions = {}) {
    this.records = datastore.collection<SignatureRecord>('signature');
    this.defaultClassification = opts.defaultClassification ?? 'TLP:C';
  }

  /** Rewrites the rule files of the rules directory, if there is one, after a change. */
  private async publish(): Promise<void> {
    const dir = this.opts.rulesDir;
    if (dir === undefined) return;
    const next = this.publishing.catch(() => undefined).then(() => this.exportActive(dir));
    this.publishing = next;
    await next;
  }

  async get(id: string): Promise<SignatureRecord> {
    const rec = await this.records.get(id);
    if (!rec) throw notFound(`Signature not found. (${id})`);
    return rec;
  }

  /** Rejects a rule its engine cannot load, so a broken rule never reaches a service. */
  validate(type: string, data: string): void {
    if (type !== 'yara') return;
    const err = yaraCompileError(data);
    if (err) throw badRequest(err);
  }

  private async nameTaken(sig: { name: string; type: string; source: string }, key: string): Promise<boolean> {
    const { items } = await this.records.search({
      filter: { op: 'and', items: [
        { op: 'eq', field: 'name', value: sig.name }, { op: 'eq', field: 'type', value: sig.type },
        { op: 'eq', field: 'source', value: sig.source },
      ] },
      fields: ['id'], limit: 10, countTotal: false,
    });
    return items.some((i) => i.id !== key);
  }

  /** The record to store for `input`, carrying over what a re-import must not reset. */
  private merge(input: SignatureInput & { name: string; type: string; data: string; source: string }, old: SignatureRecord | null): SignatureRecord {
    const status = isStatus(input.status) ? input.status : 'DEPLOYED';
    const rec: SignatureRecord = {
      // Fields a client may send as anything: only text is kept.
      classification: typeof input.classification === 'string' ? input.classification : this.defaultClassification,
      data: input.data,
      last_modified: new Date().toISOString(),
      name: input.name,
      order: typeof input.order === 'number' ? input.order : 1,
      revision: input.revision !== undefined ? String(input.revision) : '1',
      signature_id: input.signature_id ?? input.name,
      source: input.source,
      state_change_date: typeof input.state_change_date === 'string' ? input.state_change_date : null,
      state_change_user: typeof input.state_change_user === 'string' ? input.state_change_user : null,
      stats: emptyStats(),
      status,
      type: input.type,
    };
    if (old) {
      // An upstream that disables a rule wins; otherwise a user's status decision survives the re-import.
      if (!(status !== old.status && status === 'DISABLED')) rec.status = old.status;
      rec.state_change_date = old.state_change_date;
      rec.state_change_user = old.state_change_user;
      rec.stats = old.stats ?? emptyStats();
    }
    return rec;
  }

  /** Adds a rule from a client's body, or replaces the stored one with the same key when its text changed. */
  async addUpdate(input: unknown, dedupName = true): Promise<{ success: boolean; id: string }> {
    // Assemblyline's wording; the fields also become keys and file names, so they must be text.
    if (!isSignatureBody(input)) throw badRequest('Signature id, name, type and data are mandatory fields.');
    const sig = input;
    const key = signatureKey(sig.type, sig.source, sig.signature_id ?? sig.name);
    if (dedupName && (await this.nameTaken(sig, key))) {
      throw new AssayError(400, 'A signature with that name already exists', { success: false });
    }
    const old = await this.records.get(key);
    if (old && old.data === sig.data) return { success: true, id: key };
    this.validate(sig.type, sig.data);
    await this.records.put(key, this.merge(sig, old));
    await this.publish();
    return { success: true, id: key };
  }

  async addUpdateMany(source: string | undefined, sigType: string | undefined, list: unknown, dedupName = true):
      Promise<{ success: number; errors: string[]; skipped: string[] }> {
    if (!source || !sigType || !Array.isArray(list)) throw badRequest('Source, source type and data are mandatory fields.');
    // Each item is checked below; one that is not even an object is reported like one without a name.
    const items = list.map((x: unknown): SignatureInput => (x !== null && typeof x === 'object' && !Array.isArray(x) ? { ...x } : {}));
    const keyOf = (x: SignatureInput) => signatureKey(x.type ?? sigType, x.source ?? source, x.signature_id ?? x.name ?? '');
    const skipped: string[] = [];
    const errors: string[] = [];
    if (dedupName) {
      const byName = new Map(items.map((x) => [x.name, keyOf(x)]));
      for (const item of await this.all({ op: 'and', items: [{ op: 'eq', field: 'type', value: sigType }, { op: 'eq', field: 'source', value: source }] })) {
        const want = byName.get(item.name);
        if (want && want !== item.id) skipped.push(want);
      }
    }
    const entries: Array<[string, SignatureRecord]> = [];
    const olds = await this.records.getMany(items.map(keyOf));
    for (const raw of items) {
      const key = keyOf(raw);
      if (skipped.includes(key)) continue;
      const sig = { ...raw, type: raw.type ?? sigType, source: raw.source ?? source };
      if (!isSignatureBody(sig)) { errors.push(key); continue; }
      try {
        this.validate(sig.type, sig.data);
      } catch {
        errors.push(key);
        continue;
      }
      entries.push([key, this.merge(sig, olds.get(key) ?? null)]);
    }
    if (entries.length) await this.records.putMany(entries);
    await this.publish();
    return { success: entries.length, errors, skipped };
  }

  async changeStatus(id: string, status: string, uname: string): Promise<{ success: boolean }> {
    if (!isStatus(status) || (STALE_STATUSES as readonly string[]).includes(status)) {
      throw new AssayError(403, `You cannot apply the status ${status} on yara rules.`);
    }
    const data = await this.get(id);
    const draft = (DRAFT_STATUSES as readonly string[]).includes(status);
    if ((STALE_STATUSES as readonly string[]).includes(data.status) && !draft) {
      throw new AssayError(403, `Only action available while signature in ${data.status} status is to change signature to a DRAFT status. (${DRAFT_STATUSES.join(', ')})`);
    }
    if ((DEPLOYED_STATUSES as readonly string[]).includes(data.status) && draft) {
      throw new AssayError(403, `You cannot change the status of signature ${id} from ${data.status} to ${status}.`);
    }
    const today = new Date().toISOString();
    const stamp = (r: SignatureRecord, s: SignatureStatus): SignatureRecord =>
      ({ ...r, status: s, last_modified: today, state_change_date: today, state_change_user: uname });
    if (!['DISABLED', 'INVALID', 'TESTING'].includes(status)) {
      // Only one revision of a rule may hold an active status: the others with that status step aside.
      const others = await this.all({ op: 'and', items: [
        { op: 'eq', field: 'status', value: status }, { op: 'eq', field: 'signature_id', value: data.signature_id },
      ] });
      for (const o of others) {
        if (o.id !== id) await this.records.update(o.id, (cur) => (cur ? stamp(cur, 'DISABLED') : undefined));
      }
    }
    const saved = await this.records.update(id, (cur) => (cur ? stamp(cur, status) : undefined));
    await this.publish();
    return { success: !!saved };
  }

  /** Forgets the user's status decision, so the next import may set the status again. */
  async clearStatus(id: string): Promise<{ success: boolean }> {
    const saved = await this.records.update(id, (cur) => (cur ? { ...cur, state_change_date: null, state_change_user: null } : undefined));
    if (!saved) throw new AssayError(404, 'This signature was not found in the system.', { success: false });
    await this.publish();
    return { success: true };
  }

  async remove(id: string): Promise<{ success: boolean }> {
    await this.get(id);
    const success = await this.records.delete(id);
    await this.publish();
    return { success };
  }

  /** Every signature's hit statistics, with what names it. */
  async stats(): Promise<SignatureStat[]> {
    return (await this.all({ op: 'all' })).map((s) => ({
      avg: s.stats?.avg ?? 0, classification: s.classification, count: s.stats?.count ?? 0,
      first_hit: s.stats?.first_hit ?? null, id: s.id, last_hit: s.stats?.last_hit ?? null,
      max: s.stats?.max ?? 0, min: s.stats?.min ?? 0, name: s.name, source: s.source,
      sum: s.stats?.sum ?? 0, type: s.type,
    }));
  }

  /**
   * A zip of one rule file per `<type>/<source>`, rules joined by blank lines, as AL's download builds it, of the
   * rules a simple `field:value` query selects (the deployed ones by default).
   */
  async download(query?: string): Promise<DownloadedSignatures> {
    const queryText = query || DEFAULT_DOWNLOAD_QUERY;
    const sigs = (await this.all(parseListQuery(queryText, QUERY_FIELDS))).sort((a, b) => (a.order ?? 1) - (b.order ?? 1) || a.id.localeCompare(b.id));
    const lastModified = sigs.reduce((m, s) => (s.last_modified > m ? s.last_modified : m), '');
    const hash = createHash('sha256').update(`${queryText}.${lastModified}.${sigs.length}`).digest('hex');
    const files = new Map<string, string[]>();
    for (const s of sigs) {
      const name = `${safeFileName(s.type)}/${safeFileName(s.source)}`;
      files.set(name, [...(files.get(name) ?? []), s.data]);
    }
    const out = new Uint8ArrayWriter();
    const writer = new ZipWriter(out, { useWebWorkers: false });
    for (const [name, rules] of files) await writer.add(name, new TextReader(rules.join('\n\n')));
    return { fileName: `al_signatures_${hash.slice(0, 7)}.zip`, zip: await writer.close() };
  }

  /**
   * Writes the active rules of one type as `<source>.yar` files, the form the isolated analysis worker reads
   * (it has no datastore). Returns the files written.
   */
  async exportActive(dir: string, type = 'yara'): Promise<string[]> {
    const sigs = await this.all({ op: 'and', items: [
      { op: 'eq', field: 'type', value: type }, { op: 'in', field: 'status', values: ACTIVE_STATUSES },
    ] });
    const bySource = new Map<string, string[]>();
    for (const s of sigs) bySource.set(s.source, [...(bySource.get(s.source) ?? []), s.data]);
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const [source, rules] of bySource) {
      const path = join(dir, `${safeFileName(source)}.yar`);
      await writeFile(path, rules.join('\n\n') + '\n');
      written.push(path);
    }
    // A source whose rules were all disabled or deleted must stop running too.
    for (const f of await readdir(dir)) {
      if (f.endsWith('.yar') && !written.includes(join(dir, f))) await rm(join(dir, f), { force: true });
    }
    return written;
  }

  private async all(filter: Filter): Promise<Array<SignatureRecord & { id: string }>> {
    const out: Array<SignatureRecord & { id: string }> = [];
    for (let offset = 0; ; offset += 1000) {
      const { items } = await this.records.search({ filter, offset, limit: 1000, sort: [{ field: 'id', dir: 'asc' }], countTotal: false });
      out.push(...items);
      if (items.length < 1000) return out;
    }
  }
}

/** A body carrying the mandatory trio and the rule text, each a non-empty string, and a textual id if any. */
function isSignatureBody(v: unknown): v is SignatureInput & { name: string; type: string; data: string; source: string } {
  if (!v || typeof v !== 'object') return false;
  const b: Record<string, unknown> = { ...v };
  const text = (x: unknown) => typeof x === 'string' && x.length > 0;
  return text(b.type) && text(b.name) && text(b.data) && text(b.source) && (b.signature_id === undefined || text(b.signature_id));
}
