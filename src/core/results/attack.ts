// MITRE ATT&CK lookups for heuristic scoring. The scorer only needs, for an id, its name, its tactic categories and
// whether it is a technique, a piece of software or a group; the data source is injected so a full enterprise
// dataset can replace the small built-in table below.

export type AttackKind = 'technique' | 'software' | 'group';

export interface AttackInfo {
  name: string;
  /** Tactic short names for techniques ("execution"); ignored for software and groups. */
  categories: string[];
  kind: AttackKind;
  /** Software only: malware (tags attribution.implant) rather than a tool. */
  malware?: boolean;
  /** Software only: techniques the software is known to use; they join the heuristic's ATT&CK list. */
  techniques?: string[];
  /** Set when the id asked for was revoked: the id that replaced it. */
  replacedBy?: string;
}

export type AttackLookup = (id: string) => AttackInfo | undefined;

/**
 * FALLBACK ONLY: a handful of enterprise ATT&CK entries (names and tactics as of the ATT&CK release Assemblyline
 * shipped in mid-2026, where "defense-evasion" reads "stealth"), enough for tests and for a deployment without a
 * full dataset. Software entries leave out their technique lists. Ids missing here still work: the scorer keeps
 * them with the id as the pattern name and no categories.
 */
const FALLBACK: Record<string, AttackInfo> = {
  T1003: { name: 'OS Credential Dumping', categories: ['credential-access'], kind: 'technique' },
  T1027: { name: 'Obfuscated Files or Information', categories: ['stealth'], kind: 'technique' },
  T1055: { name: 'Process Injection', categories: ['stealth', 'privilege-escalation'], kind: 'technique' },
  'T1055.012': { name: 'Process Hollowing', categories: ['stealth', 'privilege-escalation'], kind: 'technique' },
  T1059: { name: 'Command and Scripting Interpreter', categories: ['execution'], kind: 'technique' },
  'T1059.001': { name: 'PowerShell', categories: ['execution'], kind: 'technique' },
  T1071: { name: 'Application Layer Protocol', categories: ['command-and-control'], kind: 'technique' },
  T1105: { name: 'Ingress Tool Transfer', categories: ['command-and-control'], kind: 'technique' },
  T1140: { name: 'Deobfuscate/Decode Files or Information', categories: ['stealth'], kind: 'technique' },
  'T1204.002': { name: 'Malicious File', categories: ['execution'], kind: 'technique' },
  T1497: { name: 'Virtualization/Sandbox Evasion', categories: ['stealth', 'discovery'], kind: 'technique' },
  'T1547.001': { name: 'Registry Run Keys / Startup Folder', categories: ['persistence', 'privilege-escalation'], kind: 'technique' },
  'T1566.001': { name: 'Spearphishing Attachment', categories: ['initial-access'], kind: 'technique' },
  S0002: { name: 'Mimikatz', categories: [], kind: 'software', malware: false },
  S0154: { name: 'Cobalt Strike', categories: [], kind: 'software', malware: true },
  S0650: { name: 'QakBot', categories: [], kind: 'software', malware: true },
  G0007: { name: 'APT28', categories: [], kind: 'group' },
  G0016: { name: 'APT29', categories: [], kind: 'group' },
  G0032: { name: 'Lazarus Group', categories: [], kind: 'group' },
};

/** Revoked ids still found in older heuristic definitions, mapped to their replacements. */
const FALLBACK_REVOKED: Record<string, string> = { T1086: 'T1059.001', T1093: 'T1055.012' };

export const fallbackAttackLookup: AttackLookup = (id) => {
  const entry = FALLBACK[id];
  if (entry) return entry;
  const replacement = FALLBACK_REVOKED[id];
  if (!replacement) return undefined;
  return { ...FALLBACK[replacement]!, replacedBy: replacement };
};
