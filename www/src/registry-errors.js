// One clear sentence for each way a registry can fail a page (PullspecError codes of RegistryClient).
export function describeRegistryError(e, image) {
  const code = e?.code ?? "ERROR";
  const host = (() => { try { return image.split("/")[0]; } catch { return "the registry"; } })();
  const cli = `pullspec inspect ${image}`;
  switch (code) {
    case "CORS_LIKELY":
      return { code, title: "The registry cannot be read from a web page",
        text: `${host} answered without CORS headers (Access-Control-Allow-Origin and Access-Control-Expose-Headers), so the browser hides its responses from this page. Put a CORS proxy in front of it, or run \`${cli}\` in a terminal.` };
    case "NETWORK":
      return { code, title: "The registry cannot be reached",
        text: `No answer from ${host}: check the host and port, that it is running, and that it speaks https (plain http only for localhost and 127.0.0.1). The browser may also have blocked it (mixed content, or CORS).` };
    case "UNAUTHORIZED":
      return { code, title: "The registry wants credentials",
        text: `${host} refused anonymous access${e.detail ? ` (${e.detail})` : ""}. Enter a username and password or token under Credentials; they stay in this tab's memory only.` };
    case "DENIED":
      return { code, title: "Access denied", text: `${host} refused these credentials for this repository.` };
    case "NAME_UNKNOWN": case "MANIFEST_UNKNOWN": case "NOT_FOUND":
      return { code, title: "Not found", text: `${host} has no ${image} (${code}).` };
    case "NO_MATCHING_PLATFORM":
      return { code, title: "No manifest for this platform",
        text: `${e.message}${e.available ? ` Available: ${[].concat(e.available).map((p) => (typeof p === "string" ? p : [p.os, p.architecture, p.variant].filter(Boolean).join("/"))).join(", ")}.` : ""}` };
    case "TOOMANYREQUESTS":
      return { code, title: "Rate limited", text: `${host} asks to slow down: try again later.` };
    case "INVALID_REFERENCE": case "INVALID_REFERENCE_FORMAT": case "NAME_CONTAINS_UPPERCASE": case "INVALID_PLATFORM": case "INVALID_ARGUMENT":
      return { code, title: "Check the input", text: e.message };
    case "ABORTED":
      return { code, title: "Cancelled", text: "The request was cancelled." };
    default:
      return { code, title: "The registry could not be read", text: e?.message ?? String(e) };
  }
}
