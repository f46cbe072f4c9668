// index.html: the manifest editor and the image inspector.
import "./editor.js";
import "./inspector.js";

// Never a blank page: anything that escapes is shown, not only logged.
const show = (msg) => {
  const box = document.querySelector("#page-error");
  box.hidden = false;
  box.textContent = `Something went wrong: ${msg}. The rest of the page still works; reload to start over.`;
};
addEventListener("error", (e) => { if (e.error) show(e.message); });
addEventListener("unhandledrejection", (e) => show(e.reason?.message ?? String(e.reason)));
document.documentElement.dataset.ready = "true";
