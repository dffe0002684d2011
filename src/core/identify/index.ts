// File identification with Assemblyline type labels.
export {
  createIdentifier,
  IDENTIFY_HEADER_BYTES,
  type Identifier,
  type IdentifierOptions,
  type IdentifyInfo,
  type IdentifyResult,
} from './identifier.js';
export { parsePeHeader, type PeHeaderInfo } from './executables.js';
export { FileView } from './source.js';
