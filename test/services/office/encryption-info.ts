// Agile-encrypted documents with the attributes of their EncryptionInfo XML rewritten, for the tests of how the
// analyser treats forged key-derivation parameters.
import * as CFB from 'cfb';

/** `doc` (an encrypted package) with each `name="value"` attribute of its EncryptionInfo XML set as given. */
export function withEncryptionAttributes(doc: Buffer, attrs: Record<string, string>): Buffer {
  const c = CFB.read(doc, { type: 'buffer' });
  const entry = CFB.find(c, 'EncryptionInfo');
  if (!entry?.content) throw new Error('no EncryptionInfo stream');
  let text = Buffer.from(entry.content as Uint8Array).toString('latin1');
  for (const [name, value] of Object.entries(attrs)) text = text.replace(new RegExp(`\\b${name}="[^"]*"`, 'g'), `${name}="${value}"`);
  const content = Buffer.from(text, 'latin1');
  entry.content = content;
  entry.size = content.length;
  return Buffer.from(CFB.write(c, { type: 'buffer' }) as Uint8Array);
}
