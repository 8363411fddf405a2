import type { components } from '../../api/schema';

/** An offsite server as GET /offsite-servers lists it, with its agent's check-in status. */
export type OffsiteServer = components['schemas']['OffsiteServer'];
/** A local server as GET /local-servers lists it: active or inactive, and its transfer. */
export type LocalServer = components['schemas']['LocalServer'];
