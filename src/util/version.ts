/** The pimsim version (package.json's; a test keeps them equal): printed by --version, written into results. */
export const PIMSIM_VERSION = '0.1.0';
