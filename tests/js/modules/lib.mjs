// A module imported by main.mjs (relative specifier resolution).
export const answer = 42;
export function double(x) { return x * 2; }
export default class Greeter { hello() { return "hello"; } }
export let counter = 0;
export function bump() { counter++; }
