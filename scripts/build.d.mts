/** Types of scripts/build.mjs (plain JavaScript so `npm ci` can run it before anything is compiled). */
export declare const ROOT: string;
export declare const DIST: string;
export type BuildState = { current: true } | { current: false; missing: true } | { current: false; changed: string };
export declare function buildState(outdir?: string, root?: string): BuildState;
export declare function build(outdir?: string): Promise<{ files: number; ms: number }>;
