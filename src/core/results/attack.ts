// MITRE ATT&CK lookups for heuristic scoring. The scorer only needs, for an id, its name, its tactic categories and
// whether it is a technique, a piece of software or a group; the data source is injected so another dataset can
// replace the shipped one.
import { techniqueInfo } from './attack-table.js';

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
 * Software and groups the scorer knows by name (techniques come from the enterprise technique table). Software
 * entries leave out their technique lists. Ids missing everywhere still work: the scorer keeps them with the id
 * as the pattern name and no categories.
 */
const SOFTWARE_AND_GROUPS: Record<string, AttackInfo> = {
  S0002: { name: 'Mimikatz', categories: [], kind: 'software', malware: false },
  S0154: { name: 'Cobalt Strike', categories: [], kind: 'software', malware: true },
  S0650: { name: 'QakBot', categories: [], kind: 'software', malware: true },
  G0007: { name: 'APT28', categories: [], kind: 'group' },
  G0016: { name: 'APT29', categories: [], kind: 'group' },
  G0032: { name: 'Lazarus Group', categories: [], kind: 'group' },
};

/** Techniques (revoked ids followed to their replacement) from the shipped table, software and groups above. */
export const defaultAttackLookup: AttackLookup = (id) => {
  const known = SOFTWARE_AND_GROUPS[id];
  if (known) return known;
  const t = techniqueInfo(id);
  if (!t) return undefined;
  return { name: t.name, categories: t.tactics, kind: 'technique', ...(t.id !== id ? { replacedBy: t.id } : {}) };
};
