//! manifest bindings (in progress).
