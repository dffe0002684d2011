/**
 * Password-protected zip, the `encoding=zip` download format.
 *
 * The archive holds one entry, deflated (level 6 by default) and encrypted with traditional PKWARE encryption
 * ("ZipCrypto"; password `infected` by default), the same shape as Info-ZIP's `zip -j --password <pw>` that
 * Assemblyline runs: `unzip -P infected`, `7z x -pinfected` and desktop archive tools all open it. Sizes and the
 * CRC follow the data in a data descriptor, so the file is streamed through and never held in memory. Zip64
 * records are written only when the entry needs them: content of 4 GiB or more, or a stream of unknown size
 * (pass `size` to avoid that).
 */
export {
  DEFAULT_ZIP_PASSWORD,
  writeProtectedZip,
  type ProtectedZipOptions,
  type ProtectedZipResult,
  type ZipInput,
} from './protected-zip.js';
