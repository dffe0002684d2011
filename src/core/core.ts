// The open storage and account services of one Assay process, without HTTP or the analysis pipeline. The CLI's
// offline commands work on this alone; the server adds the pipeline and the configuration (see src/app.ts).
import type { Storage } from '../store/index.js';
import type { Accounts } from './auth/accounts.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Sessions } from './auth/sessions.js';
import type { UserSettingsStore } from './auth/user-settings.js';
import type { FileIntake } from './files/file-intake.js';

export interface Core {
  storage: Storage;
  accounts: Accounts;
  sessions: Sessions;
  authenticator: Authenticator;
  intake: FileIntake;
  settings: UserSettingsStore;
  tmpDir: string;
  close(): Promise<void>;
}
