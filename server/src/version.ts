declare const VIGIL_VERSION: string | undefined;

/** Set by the bundler from package.json; "dev" when running from sources (tests). */
export const version: string = typeof VIGIL_VERSION === 'string' ? VIGIL_VERSION : 'dev';
