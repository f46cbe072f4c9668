// Internal: argument checks at the API boundary, shared by every module of the package. A value
// that is not what an export documents is refused with a PullspecError `INVALID_ARGUMENT` that
// names it; nothing falls back to a default silently (a NaN concurrency once started no download
// workers and a pull "succeeded" without its layers).
import { PullspecError } from "./errors.js";

/** The largest delay `setTimeout` honours; a larger one fires at once in Node and browsers. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A PullspecError `INVALID_ARGUMENT`; `option` names the offending option where there is one. */
export function invalid(message, option) {
  return new PullspecError(message, option === undefined ? { code: "INVALID_ARGUMENT" } : { code: "INVALID_ARGUMENT", option });
}

/** How a value reads in an error message: its type, or the number itself for odd numbers. */
export function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  return typeof value;
}

/** Throws unless `value` is a string. */
export function requireString(value, what) {
  if (typeof value !== "string") {
    throw invalid(`${what} must be a string, got ${describe(value)}`);
  }
}

/**
 * An optional string option: `undefined` or `null` give `undefined`; anything else must be a
 * string, or the call fails with `INVALID_ARGUMENT` naming `name`. (A non-string handed to a
 * binding that takes a string used to trap in WebAssembly: `memory access out of bounds`.)
 */
export function optionalString(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${name} must be a string, got ${describe(value)}`, name);
  return value;
}

/**
 * An `AbortSignal` option: `undefined` or `null` mean none; anything else must be an AbortSignal
 * (or an object that behaves as one: a boolean `aborted` and `addEventListener`/
 * `removeEventListener` methods), or the call fails with `INVALID_ARGUMENT` naming `name`.
 */
export function signalOption(value, name = "options.signal") {
  if (value === undefined || value === null) return undefined;
  if (typeof AbortSignal === "function" && value instanceof AbortSignal) return value;
  if (
    typeof value !== "object" ||
    typeof value.aborted !== "boolean" ||
    typeof value.addEventListener !== "function" ||
    typeof value.removeEventListener !== "function"
  ) {
    throw invalid(`${name} must be an AbortSignal, got ${describe(value)}`, name);
  }
  return value;
}

/**
 * A value as JSON text for a binding, or `INVALID_ARGUMENT` naming `what` when it cannot be
 * (a cycle, a BigInt, nesting deeper than JSON.stringify can go) instead of the bare TypeError
 * or RangeError of JSON.stringify.
 */
export function jsonText(value, what, replacer = undefined) {
  let text;
  try {
    text = JSON.stringify(value, replacer);
  } catch (e) {
    const message = String(e?.message ?? e).split("\n")[0];
    const why = e instanceof RangeError ? "it is nested too deeply" : /circular/i.test(message) ? "it contains a cycle (an object that contains itself)" : message;
    throw new PullspecError(`${what} cannot be read as JSON: ${why}`, { code: "INVALID_ARGUMENT", cause: e });
  }
  if (typeof text !== "string") throw invalid(`${what} must be an object or JSON text, got ${describe(value)}`);
  return text;
}

/**
 * An integer option: `undefined` or `null` give `fallback`; anything else must be a number that
 * is an integer within `[min, max]`, or the call fails with `INVALID_ARGUMENT` naming `name`
 * (e.g. `options.concurrency`). Strings, NaN, Infinity, fractions and out-of-range values are
 * all refused: a caller who passed a value meant something by it.
 */
export function integerOption(value, name, { min, max, fallback }) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw invalid(`${name} must be an integer ${range}, got ${typeof value === "string" ? JSON.stringify(value) : describe(value)}`, name);
  }
  return value;
}

/** A timeout in milliseconds: a whole number from 1 to 2^31-1 (what timers can wait). */
export function timeoutOption(value, name, fallback) {
  return integerOption(value, name, { min: 1, max: MAX_TIMER_MS, fallback });
}

/** An options argument: `undefined`/`null` mean none; anything else must be a plain object. */
export function optionsObject(value, what = "options") {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalid(`${what} must be an object, got ${describe(value)}`);
  }
  return value;
}
