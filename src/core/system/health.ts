// Whether this process can serve requests: the readiness probe's answer. Liveness needs no check (the process
// answering is the answer); readiness needs the datastore to answer too.
import type { Datastore } from '../../store/datastore.js';

export class Health {
  constructor(private readonly datastore: Pick<Datastore, 'ready'>) {}

  /** Resolves when the datastore answers; rejects with its error otherwise. */
  ready(): Promise<void> {
    return this.datastore.ready();
  }
}
