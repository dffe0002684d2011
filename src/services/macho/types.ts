// The shapes the Mach-O parser fills in: an image's header, load commands, symbol tables and code signature, and
// the universal container around images. They live apart from the parsing code so that the parser and its
// helpers (symbols, signature) can all name them without importing one another.

export interface MachoSection {
  sectname: string; segname: string; addr: number; size: number; offset: number; align: number; reloff: number;
  nreloc: number; flags: number; reserved1: number; reserved2: number; reserved3?: number;
}
export interface MachoSegment {
  segname: string; vmaddr: number; vmsize: number; fileoff: number; filesize: number; maxprot: number; initprot: number;
  nsects: number; flags: number; sections: MachoSection[];
}
export interface MachoDylib { command: number; name: string; timestamp: number; currentVersion: string; compatibilityVersion: string }
export interface Dysymtab {
  ilocalsym: number; nlocalsym: number; iextdefsym: number; nextdefsym: number; iundefsym: number; nundefsym: number;
  tocoff: number; ntoc: number; modtaboff: number; nmodtab: number; extrefsymoff: number; nextrefsyms: number;
  indirectsymoff: number; nindirectsyms: number; extreloff: number; nextrel: number; locreloff?: number; nlocrel?: number;
}
export interface DyldInfo {
  rebase_off: number; rebase_size: number; bind_off: number; bind_size: number; weak_bind_off: number; weak_bind_size: number;
  lazy_bind_off: number; lazy_bind_size: number; export_off: number; export_size: number;
}
export interface LinkeditData { dataoff: number; datasize: number }

export interface MachoFile {
  magic: number; bits: 32 | 64; littleEndian: boolean;
  cputype: number; cpusubtype: number; filetype: number; ncmds: number; sizeofcmds: number; flags: number; reserved?: number;
  /** Load commands as walked: id and declared size. */
  commands: Array<{ cmd: number; size: number }>;
  segments: MachoSegment[];
  dylibs: MachoDylib[];
  rpaths: string[];
  dynamicLinker?: string;
  entryPoint?: number;
  stackSize?: number;
  sourceVersion?: string;
  uuid?: string;
  minVersion?: { device: string; version: string; sdk: string };
  buildVersion?: { platform: number; minos: string; sdk: string; tools: Array<{ tool: number; version: string }> };
  linkerOptions: string[];
  symtab?: SymtabInfo;
  dysymtab?: Dysymtab;
  dyldInfo?: DyldInfo;
  codeSignatureData?: LinkeditData;
  codeSignature?: CodeSignature;
  exports: string[];
  imports: string[];
  warnings: string[];
}

export interface FatArch { cputype: number; cpusubtype: number; offset: number; size: number; align: number; reserved: number }

export interface MachoInfo {
  fat?: { magic: number; archs: FatArch[] };
  /** The image itself, or each slice of a universal binary that could be parsed, with the index of its arch. */
  files: Array<MachoFile & { arch?: number }>;
}

export interface Nlist { n_strx: number; n_type: number; n_sect: number; n_desc: number; n_value: number }
export interface SymtabInfo { symoff: number; nsyms: number; stroff: number; strsize: number; entries: string[]; nlists: Nlist[] }

export interface CodeSignature {
  /** The SuperBlob could be read. */
  readable: boolean;
  codeDirectory: boolean;
  /** CS_ADHOC in the CodeDirectory flags: signed without any identity. */
  adhoc: boolean;
  /** A non-empty CMS blob: signed with a certificate. */
  cms: boolean;
  entitlements?: string;
  identifier?: string;
}
