// Response schemas of the live routes: watch queue messages and the services still at work.
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const WatchMessage = Type.Object({
  type: Type.String({ description: 'start, cachekey, cachekeyerr, stop or timeout' }),
  err_msg: Type.String(),
  status_code: Type.Integer(),
  msg: Nullable(Type.String({ description: 'the result or error key, for cachekey and cachekeyerr' })),
});

export const OutstandingServices = Type.Record(Type.String(), Type.Integer(), { description: 'files still to analyse, by service' });
