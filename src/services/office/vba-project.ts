// VBA projects ([MS-OVBA]): the "dir" stream (2.3.4.2) is a compressed list of records describing the project
// (name, version, code page, references) and its modules (name, stream name, source offset, type). Each
// module's stream holds compiled p-code followed, at the recorded offset, by the compressed source text.
import { decodeCodepage, type OleDoc, type OleEntry } from './ole.js';
import { decompress } from './ovba.js';

export type ModuleType = 'standard' | 'class';

export interface VbaModule {
  name: string;
  streamName: string;
  type: ModuleType;
  textOffset: number;
  /** Decompressed source; undefined when the stream is missing or the offset lies outside it. */
  code?: string;
  error?: string;
}

export interface VbaProject {
  /** Path of the VBA storage inside the compound file ("Macros/VBA"). */
  storage: string;
  name?: string;
  codepage?: number;
  /** "major.minor" as stored in PROJECTVERSION. */
  version?: string;
  references: string[];
  modules: VbaModule[];
  /** Parse problems that left the project incomplete. */
  errors: string[];
}

const MAX_RECORDS = 100_000;
// A chunk of at least 3 bytes may expand to 4096: cap what one stream may decompress to.
const MAX_DIR_BYTES = 4 * 1024 * 1024;
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

interface DirInfo {
  name?: string;
  codepage?: number;
  version?: string;
  references: string[];
  modules: Array<Omit<VbaModule, 'code' | 'error'> & { unicodeName?: string; unicodeStream?: string }>;
  error?: string;
}

/** Walks the decompressed dir stream. Records are (id u16, size u32, data) except PROJECTVERSION. */
export function parseDir(dir: Buffer): DirInfo {
  const info: DirInfo = { references: [], modules: [] };
  type Mod = DirInfo['modules'][number];
  let mod: Mod | undefined;
  let pendingRefName: Buffer | undefined;
  // A control reference (0x002F) may be followed by a second name record for the same reference.
  let prevId = -1;
  let skipUnicode = false;
  const text = (b: Buffer) => decodeCodepage(b, info.codepage);
  let o = 0;
  for (let n = 0; n < MAX_RECORDS && o + 6 <= dir.length; n++) {
    const id = dir.readUInt16LE(o);
    const size = dir.readUInt32LE(o + 2);
    if (id === 0x0009) {
      // PROJECTVERSION: the size field is a reserved 4, but 6 bytes follow (major u32, minor u16).
      if (o + 12 <= dir.length) info.version = `${dir.readUInt32LE(o + 6)}.${dir.readUInt16LE(o + 10)}`;
      o += 12;
      continue;
    }
    const data = dir.subarray(o + 6, o + 6 + size);
    if (o + 6 + size > dir.length) {
      info.error = `record 0x${id.toString(16)} at ${o} runs past the end of the dir stream`;
      break;
    }
    o += 6 + size;
    const after = prevId;
    prevId = id;
    if (id === 0x0016 && after === 0x002f) {
      skipUnicode = true;
      continue;
    }
    if (id === 0x003e && skipUnicode) {
      skipUnicode = false;
      continue;
    }
    switch (id) {
      case 0x0003: if (size >= 2) info.codepage = data.readUInt16LE(0); break; // PROJECTCODEPAGE
      case 0x0004: info.name = text(data); break; // PROJECTNAME
      case 0x0016: // REFERENCENAME; its unicode twin (0x003E) follows
        pendingRefName = data;
        info.references.push(text(data));
        break;
      case 0x003e:
        if (pendingRefName && info.references.length) info.references[info.references.length - 1] = data.toString('utf16le');
        pendingRefName = undefined;
        break;
      case 0x0019: // MODULENAME starts a module
        mod = { name: text(data), streamName: text(data), type: 'standard', textOffset: 0 };
        info.modules.push(mod);
        break;
      case 0x0047: if (mod) mod.unicodeName = data.toString('utf16le'); break;
      case 0x001a: if (mod) mod.streamName = text(data); break;
      case 0x0032: if (mod) mod.unicodeStream = data.toString('utf16le'); break;
      case 0x0031: if (mod && size >= 4) mod.textOffset = data.readUInt32LE(0); break;
      case 0x0021: if (mod) mod.type = 'standard'; break;
      case 0x0022: if (mod) mod.type = 'class'; break;
      case 0x002b: mod = undefined; break; // module terminator
      case 0x0010: return info; // dir terminator
      default: break;
    }
  }
  return info;
}

/**
 * Storages holding a VBA project: a "dir" stream inside a storage named VBA, or next to a _VBA_PROJECT stream
 * (a stray "dir" stream elsewhere is no project).
 */
export function findVbaStorages(doc: OleDoc): string[] {
  const out: string[] = [];
  for (const e of doc.streams()) {
    if (e.name.toLowerCase() !== 'dir') continue;
    const storage = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '';
    const named = /(^|\/)vba$/i.test(storage);
    if (named || child(doc, storage, '_VBA_PROJECT')) out.push(storage);
  }
  return out;
}

function child(doc: OleDoc, storage: string, name: string): OleEntry | undefined {
  return doc.get(storage ? `${storage}/${name}` : name);
}

export function readVbaProject(doc: OleDoc, storage: string): VbaProject {
  const project: VbaProject = { storage, references: [], modules: [], errors: [] };
  const dirStream = child(doc, storage, 'dir');
  if (!dirStream) return { ...project, errors: ['no dir stream'] };
  const dir = decompress(dirStream.content, 0, { maxOut: MAX_DIR_BYTES });
  if (dir.length === 0) return { ...project, errors: ['dir stream does not decompress'] };
  const info = parseDir(dir);
  if (info.error) project.errors.push(info.error);
  Object.assign(project, { name: info.name, codepage: info.codepage, version: info.version, references: info.references });
  for (const m of info.modules) {
    const name = m.unicodeName || m.name;
    const streamName = m.unicodeStream || m.streamName;
    const mod: VbaModule = { name, streamName, type: m.type, textOffset: m.textOffset };
    const stream = child(doc, storage, streamName) ?? child(doc, storage, m.streamName);
    if (!stream) mod.error = `module stream "${streamName}" not found`;
    else if (m.textOffset >= stream.content.length) mod.error = `source offset ${m.textOffset} beyond the stream (${stream.content.length} bytes)`;
    else {
      const src = decompress(stream.content, m.textOffset, { maxOut: MAX_SOURCE_BYTES });
      if (src.length === 0) mod.error = 'source does not decompress';
      else mod.code = decodeCodepage(src, info.codepage);
    }
    if (mod.error) project.errors.push(`${name}: ${mod.error}`);
    project.modules.push(mod);
  }
  return project;
}

/** Every VBA project in a compound file. */
export function readVbaProjects(doc: OleDoc): VbaProject[] {
  return findVbaStorages(doc).map((s) => readVbaProject(doc, s));
}
