// client.signature: signature records, imports, status changes and the rule bundle download.
import type { Connection } from '../connection.js';
import type { SuccessResponse } from '../types.js';
import { callable, seg } from './callable.js';

export interface SignatureData {
  name: string;
  type: string;
  data: string;
  source: string;
  status?: 'DEPLOYED' | 'NOISY' | 'DISABLED' | 'STAGING' | 'TESTING' | 'INVALID';
  classification?: string;
  signature_id?: string;
  revision?: string;
  [k: string]: unknown;
}

export function signatureModule(conn: Connection) {
  const get = (signatureId: string): Promise<SignatureData & { id?: string }> => conn.json({ method: 'GET', path: `signature/${seg(signatureId)}/` });
  return callable(get, {
    addUpdate: (data: SignatureData, opts: { dedupName?: boolean } = {}): Promise<{ success: boolean; signature_id: string }> =>
      conn.json({ method: 'POST', path: 'signature/add_update/', query: { dedup_name: opts.dedupName ?? true }, json: data }),
    addUpdateMany: (
      source: string,
      sigType: string,
      data: SignatureData[],
      opts: { dedupName?: boolean } = {},
    ): Promise<{ success: number; errors: unknown[]; skipped: unknown[] }> =>
      conn.json({ method: 'POST', path: 'signature/add_update_many/', query: { source, sig_type: sigType, dedup_name: opts.dedupName ?? true }, json: data }),
    changeStatus: (signatureId: string, status: NonNullable<SignatureData['status']>): Promise<SuccessResponse> =>
      conn.json({ method: 'GET', path: `signature/change_status/${seg(signatureId)}/${seg(status)}/` }),
    clearStatus: (signatureId: string): Promise<SuccessResponse> => conn.json({ method: 'GET', path: `signature/clear_status/${seg(signatureId)}/` }),
    delete: (signatureId: string): Promise<SuccessResponse> => conn.json({ method: 'DELETE', path: `signature/${seg(signatureId)}/` }),
    /** Zip of the matching signatures' rule files. */
    download: async (opts: { query?: string } = {}): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const c of await conn.stream({ method: 'GET', path: 'signature/download/', query: { query: opts.query } })) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    stats: (): Promise<Record<string, unknown>[]> => conn.json({ method: 'GET', path: 'signature/stats/' }),
  });
}
