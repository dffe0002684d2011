// The enterprise ATT&CK technique list (id, name, tactics only, with revoked ids mapped to their replacements),
// shipped next to this module: the scorer names and places techniques with it, and the report places entries
// stored before a technique was known (with no categories) in its ATT&CK matrix.
import data from './attack-techniques.json' with { type: 'json' };

interface TechniqueTable {
  techniques: Record<string, [name: string, tactics: string[]]>;
  revoked: Record<string, string>;
}

const TABLE = data as unknown as TechniqueTable;

export interface TechniqueInfo {
  id: string;
  name: string;
  tactics: string[];
}

/** A technique by id (following revocations to the id that replaced it), or undefined when unknown. */
export function techniqueInfo(id: string): TechniqueInfo | undefined {
  const own = TABLE.techniques[id];
  if (own) return { id, name: own[0], tactics: [...own[1]] };
  const replacement = TABLE.revoked[id];
  const moved = replacement ? TABLE.techniques[replacement] : undefined;
  return moved ? { id: replacement!, name: moved[0], tactics: [...moved[1]] } : undefined;
}

/** Number of techniques in the table (for diagnostics and tests). */
export const TECHNIQUE_COUNT = Object.keys(TABLE.techniques).length;

/**
 * The tactics and display name of a stored ATT&CK entry: its own categories when it has some, else the table's.
 * Software and group entries keep their kind as category ("software", "group"), as the scorer stores them.
 */
export function attackPlacement(entry: { attack_id: string; pattern: string; categories: readonly string[] }): { name: string; categories: string[] } {
  if (entry.categories.length > 0) return { name: entry.pattern || entry.attack_id, categories: [...entry.categories] };
  const info = techniqueInfo(entry.attack_id);
  if (!info) return { name: entry.pattern || entry.attack_id, categories: [] };
  const name = entry.pattern && entry.pattern !== entry.attack_id ? entry.pattern : info.name;
  return { name, categories: info.tactics };
}
