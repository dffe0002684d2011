// PowerShell cmdlet names (approved verb, dash, noun) and the common aliases attackers type instead, for the
// file.powershell.cmdlet tag. Only names with an approved verb count, so "Content-Type" or "x-test" do not.
const VERBS = [
  'Add', 'Clear', 'Close', 'Copy', 'Enter', 'Exit', 'Find', 'Format', 'Get', 'Hide', 'Join', 'Lock', 'Move', 'New', 'Open',
  'Optimize', 'Pop', 'Push', 'Redo', 'Remove', 'Rename', 'Reset', 'Resize', 'Search', 'Select', 'Set', 'Show', 'Skip', 'Split',
  'Step', 'Switch', 'Undo', 'Unlock', 'Watch', 'Connect', 'Disconnect', 'Read', 'Receive', 'Send', 'Write', 'Backup',
  'Checkpoint', 'Compare', 'Compress', 'Convert', 'ConvertFrom', 'ConvertTo', 'Dismount', 'Edit', 'Expand', 'Export', 'Group',
  'Import', 'Initialize', 'Limit', 'Merge', 'Mount', 'Out', 'Publish', 'Restore', 'Save', 'Sync', 'Unpublish', 'Update',
  'Debug', 'Measure', 'Ping', 'Repair', 'Resolve', 'Test', 'Trace', 'Approve', 'Assert', 'Build', 'Complete', 'Confirm', 'Deny',
  'Deploy', 'Disable', 'Enable', 'Install', 'Invoke', 'Register', 'Request', 'Restart', 'Resume', 'Start', 'Stop', 'Submit',
  'Suspend', 'Uninstall', 'Unregister', 'Wait', 'Use', 'Block', 'Grant', 'Protect', 'Revoke', 'Unblock', 'Unprotect', 'ForEach', 'Where', 'Sort', 'Tee',
];
const CMDLET = new RegExp(`\\b(?:${VERBS.join('|')})-[A-Z][A-Za-z0-9]{1,40}\\b`, 'gi');
const CANONICAL = new Map(VERBS.map((v) => [v.toLowerCase(), v]));

/** Distinct cmdlet names in the texts, verb spelled canonically, at most `max`. */
export function cmdlets(texts: string[], max: number): string[] {
  const found = new Map<string, string>();
  for (const t of texts) {
    for (const m of t.matchAll(CMDLET)) {
      const [verb, noun] = [m[0].slice(0, m[0].indexOf('-')), m[0].slice(m[0].indexOf('-') + 1)];
      const name = `${CANONICAL.get(verb.toLowerCase())}-${noun[0]!.toUpperCase()}${noun.slice(1)}`;
      if (!found.has(name.toLowerCase())) found.set(name.toLowerCase(), name);
      if (found.size >= max) return [...found.values()];
    }
  }
  return [...found.values()].sort();
}
