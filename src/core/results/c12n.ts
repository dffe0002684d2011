// The few classification operations result logic needs, injectable so a full classification engine can take over.
// The default understands only the levels of the shipped definition (no groups or markings) and lets every user
// see everything, as the shipped definition does not enforce classification.
import { CLASSIFICATION_DEFINITION } from '../classification.js';

export interface ClassificationOps {
  readonly unrestricted: string;
  isAccessible(userClassification: string, classification: string): boolean;
  max(a: string, b: string): string;
  min(a: string, b: string): string;
}

const LEVELS = new Map<string, number>();
for (const level of CLASSIFICATION_DEFINITION.levels) {
  for (const name of [level.name, level.short_name, ...level.aliases]) LEVELS.set(name.toUpperCase(), level.lvl);
}

function level(c: string): number {
  const head = c.split('//')[0]!.trim().toUpperCase();
  return LEVELS.get(head) ?? 0;
}

export const defaultClassification: ClassificationOps = {
  unrestricted: CLASSIFICATION_DEFINITION.unrestricted,
  isAccessible: () => true,
  max: (a, b) => (level(b) > level(a) ? b : a),
  min: (a, b) => (level(b) < level(a) ? b : a),
};
