//! Registry credentials for JS (in progress).
