/**
 * The one error class of pullspec. Every error thrown by the package is a `PullspecError` with a
 * stable `code` (e.g. `INVALID_REFERENCE_FORMAT`); `offset` (an index into the string that was
 * parsed, in UTF-16 code units like every JS string index) and `path` (a JSON path such as
 * `manifests[2].platform.architecture`) are set where they apply, plus extra fields of some codes
 * (`expected`/`actual` for `DIGEST_MISMATCH`).
 */
export class PullspecError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, offset?: number, path?: string, [k: string]: unknown }} fields
   */
  constructor(message, fields) {
    // A Symbol would make Error's constructor throw a TypeError; anything else it converts itself.
    super(typeof message === "symbol" ? message.toString() : message);
    this.name = "PullspecError";
    this.code = "UNKNOWN";
    if (fields !== null && typeof fields === "object") Object.assign(this, fields);
  }
}
