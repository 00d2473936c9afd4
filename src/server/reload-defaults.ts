/** The defaults docs/config.md's reload table quotes. */
export const RELOAD_DEFAULTS = Object.freeze({
  debounceMs: 200, // quiet time after the last file event: one reload per editor save burst
});
