// Assemblyline's tag taxonomy (its `Tagging` model): every leaf path and the value type that validates it. Tag
// types are the dotted leaf paths ("network.static.domain"); the short type is the last segment. Field order follows
// Assemblyline's model, which is also the order of the flat list it publishes as `tag_types`.

/** How a tag value is checked and normalised (see validate.ts). */
export type TagKind =
  | 'keyword' | 'upper' | 'domain' | 'ip' | 'uri' | 'uri_path' | 'unc_path' | 'email' | 'mac' | 'phone'
  | 'ssdeep' | 'md5' | 'sha1' | 'sha256' | 'platform' | 'processor' | 'ja4' | 'integer';

const K = 'keyword', U = 'upper', DOMAIN = 'domain', IP = 'ip', URI = 'uri', URI_PATH = 'uri_path', UNC = 'unc_path';
const EMAIL = 'email', MAC = 'mac', PHONE = 'phone', SSDEEP = 'ssdeep', MD5 = 'md5', SHA1 = 'sha1', SHA256 = 'sha256';
const PLATFORM = 'platform', PROCESSOR = 'processor', JA4 = 'ja4', INT = 'integer';
/** `file.rule` is a mapping: its children are named by the rule source ("file.rule.yara"), values are keywords. */
const RULES = 'rules';

type Tree = { [key: string]: Tree | TagKind | typeof RULES };

const TREE: Tree = {
  attribution: { actor: U, campaign: U, category: U, exploit: U, implant: U, family: U, network: U },
  av: { heuristic: K, virus_name: K },
  cert: {
    extended_key_usage: K, issuer: K, key_usage: K, owner: K, serial_no: K, signature_algo: K, subject: K,
    subject_alt_name: K, thumbprint: K, valid: { start: K, end: K }, version: K,
  },
  code: { sha256: SHA256 },
  dynamic: {
    autorun_location: K, dos_device: K, mutex: K, registry_key: K,
    process: {
      command_line: K, file_name: K, file_path: K, module_name: K, module_path: K, shortcut: K,
    },
    signature: { category: K, family: K, name: K },
    ssdeep: { cls_ids: SSDEEP, dynamic_classes: SSDEEP, regkeys: SSDEEP },
    window: { cls_ids: K, dynamic_classes: K, regkeys: K },
    operating_system: { platform: PLATFORM, version: K, processor: PROCESSOR }, processtree_id: K,
  },
  info: { phone_number: PHONE, password: K },
  file: {
    ancestry: K, behavior: K, compiler: K, config: K, date: { creation: K, last_modified: K },
    elf: {
      libraries: K, interpreter: K, sections: { name: K }, segments: { type: K },
      notes: { name: K, type: K, type_core: K },
    },
    lib: K, lsh: K, name: { anomaly: K, extracted: K }, path: K, rule: RULES,
    string: { api: K, blacklisted: K, decoded: K, extracted: K },
    apk: {
      activity: K, app: { label: K, version: K }, feature: K, locale: K, permission: K, pkg_name: K,
      provides_component: K, sdk: { min: K, target: K }, used_library: K,
    },
    jar: { main_class: K, main_package: K, imported_package: K },
    img: {
      exif_tool: {
        creator_tool: K, derived_document_id: K, document_id: K, instance_id: K, toolkit: K,
      },
      mega_pixels: K, mode: K, size: K, sorted_metadata_hash: K,
    },
    ole: {
      macro: { sha256: SHA256, suspicious_string: K },
      summary: {
        author: K, codepage: K, comment: K, company: K, create_time: K, last_printed: K, last_saved_by: K,
        last_saved_time: K, manager: K, subject: K, title: K,
      },
      clsid: K, dde_link: K, fib_timestamp: K,
    },
    pe: {
      api_vector: K, authenticode: { spc_sp_opus_info: { program_name: K } }, debug: { guid: K },
      exports: { function_name: K, module_name: K },
      imports: {
        fuzzy: SSDEEP, md5: MD5, imphash: MD5, sorted_fuzzy: SSDEEP, sorted_sha1: SHA1, gimphash: SHA256,
        suspicious: K,
      },
      linker: { timestamp: K }, oep: { bytes: K, hexdump: K }, pdb_filename: K, resources: { language: K, name: K },
      rich_header: { hash: K }, sections: { hash: K, name: K }, versions: { description: K, filename: K },
    },
    pdf: {
      date: { modified: K, pdfx: K, source_modified: K }, javascript: { sha1: SHA1 }, stats: { sha1: SHA1 },
    },
    plist: {
      installer_url: K, min_os_version: K, requests_open_access: K, build: { machine_os: K },
      cf_bundle: {
        development_region: K, display_name: K, executable: K, identifier: K, name: K, pkg_type: K, signature: K,
        url_scheme: K, version: { long: K, short: K },
      },
      dt: { compiler: K, platform: { build: K, name: K, version: K } },
      ls: { background_only: K, min_system_version: K }, ns: { apple_script_enabled: K, principal_class: K },
      ui: { background_modes: K, requires_persistent_wifi: K }, wk: { app_bundle_identifier: K },
    },
    powershell: { cmdlet: K }, shortcut: { command_line: K, icon_location: K, machine_id: K, tracker_mac: K },
    swf: {
      header: { frame: { count: INT, rate: K, size: K }, version: K }, tags_ssdeep: SSDEEP,
    },
  },
  network: {
    attack: K, dynamic: { domain: DOMAIN, ip: IP, unc_path: UNC, uri: URI, uri_path: URI_PATH },
    email: { address: EMAIL, date: K, subject: K, msg_id: K }, mac_address: MAC, port: INT, protocol: K,
    signature: { signature_id: K, message: K },
    static: { domain: DOMAIN, ip: IP, unc_path: UNC, uri: URI, uri_path: URI_PATH },
    tls: {
      ja3_hash: MD5, ja3_string: K, ja3s_hash: MD5, ja3s_string: K, ja4_hash: JA4, ja4s_hash: JA4, sni: K,
    },
    user_agent: K,
  },
  source: K,
  technique: {
    comms_routine: K, config: K, crypto: K, exploit: K, keylogger: K, macro: K, masking_algo: K, obfuscation: K,
    packer: K, persistence: K, shellcode: K, string: K,
  },
  vector: K,
};

/** Mapping fields: any child name matching this is a valid tag type below them. */
export const TAG_MAPPING_PREFIXES: readonly string[] = ['file.rule'];
const MAPPING_KEY = /^[a-z][a-z0-9_]*$/;

function collect(tree: Tree, prefix: string, out: Map<string, TagKind>): void {
  for (const [name, node] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (typeof node === 'object') collect(node, path, out);
    else if (node !== RULES) out.set(path, node);
  }
}

/** Every fixed leaf tag type and its kind (the mapping `file.rule` excluded: see tagKind). */
export const TAG_TYPES: ReadonlyMap<string, TagKind> = (() => {
  const out = new Map<string, TagKind>();
  collect(TREE, '', out);
  return out;
})();

/** The flat list of tag types, `file.rule` included once as itself, as Assemblyline lists them. */
export const TAG_TYPE_LIST: readonly string[] = (() => {
  const out: string[] = [];
  const walk = (tree: Tree, prefix: string) => {
    for (const [name, node] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (typeof node === 'object') walk(node, path);
      else out.push(path);
    }
  };
  walk(TREE, '');
  return out;
})();

/** Kind of a tag type, or undefined when the type is not in the taxonomy. */
export function tagKind(type: string): TagKind | undefined {
  const fixed = TAG_TYPES.get(type);
  if (fixed) return fixed;
  for (const prefix of TAG_MAPPING_PREFIXES) {
    if (type.startsWith(`${prefix}.`) && MAPPING_KEY.test(type.slice(prefix.length + 1))) return 'keyword';
  }
  return undefined;
}

export function shortType(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}
