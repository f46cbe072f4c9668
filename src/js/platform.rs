//! platform bindings (in progress).
