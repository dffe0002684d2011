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
  /** Wildcard match: `*` any run of characters, `?` one character (Lucene wildcard syntax). */
  | { op: 'like'; field: string; pattern: string; caseInsensitive?: boolean };

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
}

export interface SearchResult<T> {
  total: number;
  items: Array<T & { id: string }>;
}

/** How a field is indexed. `list` fields hold arrays and match when any element matches. */
export interface FieldSpec {
  type: 'keyword' | 'text' | 'integer' | 'float' | 'boolean' | 'date';
  list?: boolean;
  indexed?: boolean;
}

export interface CollectionSpec {
  name: string;
  fields: Record<string, FieldSpec>;
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
  count(filter?: Filter): Promise<number>;
}

export interface Datastore {
  collection<T extends object>(name: string): Collection<T>;
  /** Engine name shown in health and diagnostics. */
  readonly engine: string;
  ready(): Promise<void>;
  close(): Promise<void>;
}
