// The Scripts service's declaration: the script types it takes, its limits and its heuristics. Scores follow
// Assemblyline's scale: an encoded, hidden PowerShell that downloads and runs code sums well past 1000
// (malicious), while a single download call or eval in an ordinary script stays in the low hundreds.
import type { ServiceManifest } from '../../sdk/index.js';

export const manifest: ServiceManifest = {
  name: 'Scripts',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Peels obfuscation layers off PowerShell, JavaScript/JScript, VBScript, batch and HTA scripts and flags what the clean code does.',
  accepts: 'code/(?:ps1|javascript|jscript|vbs|vbe|batch|hta|html|html/component|wsf|wsc)$',
  timeoutSeconds: 120,
  memoryMb: 768,
  config: { max_size_mb: 5, max_rounds: 25, max_output_mb: 16, max_iocs: 500 },
  heuristics: [
    {
      id: 1, name: 'Encoded PowerShell command', score: 500, filetype: 'code/',
      description: 'A PowerShell command line carries its script base64-encoded (-EncodedCommand).', attack: ['T1027', 'T1059.001'],
    },
    {
      id: 2, name: 'Download cradle', score: 500, filetype: 'code/', maxScore: 1000, attack: ['T1105'],
      description: 'The script downloads content from the network.',
      signatureScoreMap: { invoke_webrequest: 150, http_client: 150, xmlhttp: 300, adodb_stream_save: 300 },
    },
    {
      id: 3, name: 'Dynamic code execution', score: 250, filetype: 'code/', maxScore: 500, attack: ['T1059'],
      description: 'The script runs code built at run time (Invoke-Expression, eval, Execute).', signatureScoreMap: { js_eval: 100 },
    },
    {
      id: 4, name: 'Process execution', score: 100, filetype: 'code/', maxScore: 300, attack: ['T1059'],
      description: 'The script starts processes or shell commands.', signatureScoreMap: { powershell_launch: 50 },
    },
    {
      id: 5, name: 'AMSI bypass', score: 1000, filetype: 'code/', attack: ['T1562.001'],
      description: 'The script refers to the Antimalware Scan Interface the way bypasses do.',
    },
    {
      id: 6, name: 'Security tool tampering', score: 1000, filetype: 'code/', attack: ['T1562.001'],
      description: 'The script disables or adds exclusions to Microsoft Defender.',
    },
    {
      id: 7, name: 'Persistence', score: 500, filetype: 'code/', maxScore: 1000, attack: ['T1547.001', 'T1053.005'],
      description: 'The script installs itself to run again (Run keys, scheduled tasks, startup folder, WMI).',
    },
    {
      id: 8, name: 'Hidden or unrestricted PowerShell', score: 100, filetype: 'code/', maxScore: 500, attack: ['T1059.001', 'T1564.003'],
      description: 'PowerShell is started with a hidden window, without profile or with the execution policy bypassed.',
      signatureScoreMap: { hidden_window: 250, execution_policy_bypass: 150, no_profile: 50, non_interactive: 50 },
    },
    {
      id: 9, name: 'Multiple layers of obfuscation', score: 500, filetype: 'code/', attack: ['T1027'],
      description: 'Code was hidden inside encoded or evaluated data more than once, or one such layer also used other obfuscation.',
    },
    {
      id: 10, name: 'Obfuscation removed', score: 10, filetype: 'code/', attack: ['T1027'],
      description: 'Obfuscation techniques were undone; the clean script is extracted.',
    },
    {
      id: 11, name: 'Download and execute', score: 500, filetype: 'code/', attack: ['T1105', 'T1059'],
      description: 'Downloaded content is executed directly in the same statement or layer.',
    },
  ],
};
