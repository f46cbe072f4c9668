import "./dashboard.js";
document.documentElement.dataset.ready = "true";
