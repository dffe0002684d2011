// The datastore: named collections of JSON records keyed by id. Core code talks only to these interfaces; the
// embedded engine (SQLite) and the scale-out engine (PostgreSQL) implement them side by side.

/** A filter tree. Search translates Lucene queries into it; engines translate it into their own SQL. */
export type Filter =
  | { op: 'all' }
  | { op: 'none' }
  | { op: 'and'; items: Filter[] }
  | { op: 'or'; items: Filter[] }
  | { op: 'not'; item: Filter }
  | { op: 'eq'; field: string; value: Scalar }
  | { op: 'in'; field: string; values: Scalar[] }
  | { op: 'range'; field: string; gt?: Scalar; gte?: Scalar; lt?: Scalar; lte?: Scalar }
  | { op: 'exists'; field: string }
  | { op: 'prefix'; field: string; value: string }
  /**
   * Wildcard match: `*` any run of characters, `?` one character (Lucene wildcard syntax). With `words`, the
   * value is lower-cased and padded with a space at each end first, so a pattern can anchor on word breaks.
   */
  | { op: 'like'; field: string; pattern: string; caseInsensitive?: boolean; words?: boolean }
  /** Full-match regular expression (Lucene `/.../`), JavaScript syntax. */
  | { op: 'regex'; field: string; pattern: string }
  /**
   * Semi-join: the field's value is one of the values of `to` (cut to its first `prefix` characters, if given)
   * in the records of `collection` that match `where`. Access rules use it to see a record only through a
   * submission the caller may read.
   */
  | { op: 'linked'; field: string; collection: string; to: string; prefix?: number; where: Filter };

export type Scalar = string | number | boolean | null;

export interface SortKey {
  field: string;
  dir: 'asc' | 'desc';
}

export interface SearchOptions {
  filter?: Filter;
  sort?: SortKey[];
  offset?: number;
  limit?: number;
  /** Return only these top-level or dotted fields (plus `id`). */
  fields?: string[];
  /** Skip counting the total when the caller doesn't need it. */
  countTotal?: boolean;
  /** Stop counting the total at this many (Elasticsearch's track_total_hits). */
  totalUpTo?: number;
  /** Keyset paging: continue after this position (a `cursor` from an earlier page with the same sort). */
  after?: Scalar[];
  /** Return the position of the last item as `cursor`, for `after`. */
  withCursor?: boolean;
}

export interface SearchResult<T> {
  total: number;
  items: Array<T & { id: string }>;
  /** Position of the last item (with `withCursor`), absent on an empty page. */
  cursor?: Scalar[];
}

/** Counts per distinct value of a field (list fields count each element), most frequent first. */
export interface FacetOptions {
  filter?: Filter;
  field: string;
  size: number;
  mincount?: number;
}

/** Counts per bucket of a numeric or date field: `start + k * gap` for integers, or the given bucket bounds. */
export interface HistogramOptions {
  filter?: Filter;
  field: string;
  /** Ascending bucket lower bounds; a value falls in the last bound that is <= it. */
  bounds: Scalar[];
  mincount?: number;
}

export interface FieldStats {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number;
}

/** How a field is indexed. `list` fields hold arrays and match when any element matches. */
export interface FieldSpec {
  type: 'keyword' | 'text' | 'integer' | 'float' | 'boolean' | 'date';
  list?: boolean;
  indexed?: boolean;
  /**
   * Where the values sit when the field crosses arrays of objects: the dotted path with `[]` after each array,
   * e.g. `files[].sha256`. Matches when any element matches.
   */
  path?: string;
  /** The values are copied by triggers into the collection's term table (`x_<name>_terms`), indexed by value. */
  terms?: boolean;
}

export interface CollectionSpec {
  name: string;
  fields: Record<string, FieldSpec>;
  /** Families of fields named by prefix (e.g. every tag type under `result.sections.tags.`). */
  dynamic?: Array<{ prefix: string; spec: FieldSpec }>;
  /**
   * A top-level field holding bytes (a Buffer), kept beside the JSON document instead of inside it: bytes are
   * then neither base64-encoded nor scanned by the document's expression indexes, and an update that leaves
   * them alone does not write them again. The field cannot be filtered or sorted on.
   */
  binary?: string;
}

export interface Collection<T extends object> {
  readonly name: string;
  get(id: string): Promise<T | null>;
  getMany(ids: string[]): Promise<Map<string, T>>;
  exists(id: string): Promise<boolean>;
  /** Insert or replace. */
  put(id: string, doc: T): Promise<void>;
  /** Insert only; resolves false when the id is taken. */
  add(id: string, doc: T): Promise<boolean>;
  putMany(entries: Array<[string, T]>): Promise<void>;
  /**
   * Atomic read-modify-write: `fn` gets the current record (or null) and returns the new one, or null to
   * delete it, or undefined to leave it unchanged. Resolves to the stored result.
   */
  update(id: string, fn: (current: T | null) => T | null | undefined): Promise<T | null>;
  delete(id: string): Promise<boolean>;
  deleteWhere(filter: Filter): Promise<number>;
  search(opts?: SearchOptions): Promise<SearchResult<T>>;
  /** Matching records; with `upTo`, counting stops there (the answer is then at most `upTo`). */
  count(filter?: Filter, upTo?: number): Promise<number>;
  facet(opts: FacetOptions): Promise<Array<{ value: Scalar; count: number }>>;
  histogram(opts: HistogramOptions): Promise<Array<{ bound: Scalar; count: number }>>;
  stats(field: string, filter?: Filter): Promise<FieldStats>;
  /** Apply `fn` to every record matching `filter` (bounded by `max`), each in its own read-modify-write. */
  updateWhere(filter: Filter, fn: (current: T) => T | undefined, max?: number): Promise<number>;
}

export interface Datastore {
  collection<T extends object>(name: string): Collection<T>;
  /** Engine name shown in health and diagnostics. */
  readonly engine: string;
  ready(): Promise<void>;
  close(): Promise<void>;
}
