// The heuristics a service declares in its manifest. A section of its output raises one by id; the host scores
// it from this definition.

export interface HeuristicDefinition {
  /** Id within the service; stored as "<SERVICE NAME UPPER>.<id>". */
  id: number | string;
  name: string;
  /** Score when the heuristic fires once without signatures. */
  score: number;
  /** File type regex the heuristic applies to (informational). */
  filetype?: string;
  description?: string;
  /** MITRE ATT&CK ids (techniques, software or groups). */
  attack?: string[];
  /** Per-signature scores, overriding `score` for a named signature. */
  signatureScoreMap?: Record<string, number>;
  /** Upper bound of the heuristic's total score in one section. */
  maxScore?: number;
}
