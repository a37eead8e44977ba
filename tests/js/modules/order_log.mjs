// Shared evaluation log for the ordering cases of main.mjs.
export const order = [];
