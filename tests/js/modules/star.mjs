// Re-exports for the namespace cases: `export * as`, a namespace import re-exported by name,
// and an uninitialized binding (TDZ through the namespace).
export * as libNs from "./lib.mjs";
import * as again from "./lib.mjs";
export { again };
export { answer as renamed } from "./lib.mjs";
export const b = 2, a = 1;
