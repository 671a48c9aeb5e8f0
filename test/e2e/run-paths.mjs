// Where run.mjs leaves what the test files share.
import { join } from 'node:path';
import { CACHE } from './setup.mjs';

/** The .vsix built by `npm run package` for this run. */
export const VSIX = process.env.VIGIL_E2E_VSIX ?? join(CACHE, 'vigil.vsix');
