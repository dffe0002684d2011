// The Office analyser's manifest. Heuristic ids, names and scores follow Assemblyline's Oletools service so
// statistics and scores line up with AL deployments; ids from 100 up are Assay's own.
import type { ServiceManifest } from '../../sdk/index.js';

export const HEUR = {
  EXTERNAL_RELATIONSHIP: 1,
  TOO_LARGE: 3,
  SUSPICIOUS_EMBEDDED_RTF: 11,
  LINKED_OBJECT: 13,
  DDE_LINK: 15,
  SUSPICIOUS_DDE_LINK: 16,
  OBFUSCATED_MACRO: 20,
  RTF_EMBEDDED_OBJECT: 21,
  NETWORK_IN_MACROS: 27,
  OLE10NATIVE: 29,
  SUSPICIOUS_STRINGS: 30,
  AUTOEXEC: 32,
  VBA_MACRO: 33,
  XLM_MACRO_SHEET: 51,
  MALICIOUS_CLSID: 52,
  AUTOEXEC_EXECUTES: 100,
  ENCRYPTED_DECRYPTED: 101,
  ENCRYPTED_NO_PASSWORD: 102,
  MALFORMED: 103,
} as const;

export const manifest: ServiceManifest = {
  name: 'Office',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Microsoft Office documents (OLE2, OOXML, RTF): metadata, VBA macros, embedded objects, external relationships, DDE, XLM sheets and encrypted documents.',
  accepts: 'document/office/.*',
  rejects: 'empty|metadata/.*|document/office/email|document/office/onenote|document/office/hwp',
  timeoutSeconds: 120,
  memoryMb: 1024,
  config: {
    // Same defaults as Extract: the usual passwords of shared malware and Excel's built-in one.
    passwords: ['infected', 'password', 'VelvetSweatshop', '/01Hannes Ruescher/01', '123', '1234', '12345', '123456', '4321', 'malware', 'virus'],
    max_size_mb: 100,
    max_part_mb: 50,
    max_extracted: 100,
  },
  submissionParams: [{ name: 'password', type: 'str', default: '', value: '' }],
  heuristics: [
    {
      id: HEUR.EXTERNAL_RELATIONSHIP, name: 'External Relationship', score: 0, filetype: 'document/office',
      description: 'XML relationship with an external target. Many relationship types can load remote content (template injection, remote OLE objects, frames).',
      signatureScoreMap: {
        external_relationship_ip: 500, link_to_executable: 500, mhtml_link: 100, attachedtemplate: 500, externallink: 500,
        externallinkpath: 0, externalreference: 500, frame: 500, hyperlink: 0, officedocument: 500, oleobject: 500, package: 500,
        slideupdateurl: 500, slidemaster: 500, slide: 500, slideupdateinfo: 500, subdocument: 500, worksheet: 500,
      },
    },
    { id: HEUR.TOO_LARGE, name: 'Too Large', score: 0, filetype: 'document/office', description: 'File contains parts which are too large to be scanned.' },
    {
      id: HEUR.SUSPICIOUS_EMBEDDED_RTF, name: 'Suspicious Embedded RTF', score: 1000, filetype: 'document/office',
      description: 'Malicious properties discovered in embedded RTF object(s): Equation Editor objects or objects updated on open.',
      signatureScoreMap: { equation_editor: 1000, objupdate: 100, embedded_pe_file: 1000 }, attack: ['T1203'],
    },
    { id: HEUR.LINKED_OBJECT, name: 'Linked Object', score: 10, filetype: 'document/office', description: 'Embedded object linking to an external source.' },
    { id: HEUR.DDE_LINK, name: 'DDE Link Extracted', score: 50, filetype: 'document/office', description: 'DDE link object extracted.', attack: ['T1559.002'] },
    {
      id: HEUR.SUSPICIOUS_DDE_LINK, name: 'Suspicious DDE Link', score: 1000, filetype: 'document/office',
      description: 'DDE field that starts a program (DDEAUTO, cmd, PowerShell, script hosts).', attack: ['T1559.002'],
    },
    { id: HEUR.OBFUSCATED_MACRO, name: 'Packed or obfuscated macro', score: 100, filetype: 'document/office', description: 'Macro may be packed or obfuscated.', attack: ['T1027'] },
    { id: HEUR.RTF_EMBEDDED_OBJECT, name: 'RTF Embedded Object', score: 10, filetype: 'document/office', description: 'RTF Embedded Object.' },
    {
      id: HEUR.NETWORK_IN_MACROS, name: 'Found network indicator(s) within macros', score: 50, maxScore: 500, filetype: 'document/office',
      description: 'Found network indicator(s) within macros',
    },
    {
      id: HEUR.OLE10NATIVE, name: 'Ole10Native stream', score: 0, filetype: 'document/office',
      description: 'Data embedded in a OLE file using the Ole10Native stream structure',
      signatureScoreMap: { embedded_pe_file: 1000 }, attack: ['T1204.002'],
    },
    {
      id: HEUR.SUSPICIOUS_STRINGS, name: 'Suspicious strings or functions', score: 50, maxScore: 300, filetype: 'document/office',
      description: 'Suspicious strings or functions', attack: ['T1059.005'],
      signatureScoreMap: { base64_strings: 0, createobject: 0, getobject: 0, environ: 10, savetofile: 10 },
    },
    { id: HEUR.AUTOEXEC, name: 'Autoexecution strings', score: 50, maxScore: 500, filetype: 'document/office', description: 'Autoexecution strings', attack: ['T1204.002'] },
    { id: HEUR.VBA_MACRO, name: 'VBA Macro', score: 0, filetype: '.*', description: 'Contains Embedded VBA Macro(s)', attack: ['T1059.005'] },
    {
      id: HEUR.XLM_MACRO_SHEET, name: 'Excel 4.0 Macro sheet', score: 250, filetype: '.*', attack: ['T1059'],
      description: 'Excel 4.0 macro sheets are deprecated and can be used for detection avoidance.',
    },
    { id: HEUR.MALICIOUS_CLSID, name: 'Known malicious CLSID', score: 500, filetype: '.*', description: 'CLSID that has been flagged as malicious', attack: ['T1203'] },
    {
      // Assemblyline reaches a malicious verdict for these documents through several services at once; here the
      // combination itself is the verdict: a macro Office runs on open that starts a process is a dropper.
      id: HEUR.AUTOEXEC_EXECUTES, name: 'Auto-executing macro launches a process', score: 1000, filetype: 'document/office',
      description: 'A macro entry point that runs when the document opens calls Shell, WScript.Shell, WMI, PowerShell or a shellcode API.',
      attack: ['T1059.005', 'T1204.002'],
    },
    { id: HEUR.ENCRYPTED_DECRYPTED, name: 'Encrypted document decrypted', score: 0, filetype: 'document/office', description: 'The document was encrypted; a known password opened it and the decrypted document was extracted.' },
    {
      id: HEUR.ENCRYPTED_NO_PASSWORD, name: 'Encrypted document, password not found', score: 100, filetype: 'document/office',
      description: 'The document is encrypted and none of the candidate passwords opened it: its content could not be analysed.', attack: ['T1027'],
    },
    { id: HEUR.MALFORMED, name: 'Malformed document', score: 0, filetype: 'document/office', description: 'Parts of the document could not be parsed; results are partial.' },
  ],
};
