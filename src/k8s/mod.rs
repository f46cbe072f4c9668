//! Kubernetes objects: where pod specs and images live in each kind (one walker, shared with
//! AlwaysPullImages admission), the offline checks of the images in a manifest, and the
//! [`Diagnostic`] every check reports, at its line and UTF-16 character.
//!
//! ```
//! use pullspec::k8s::{validate, CheckOptions};
//! let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n    image: Nginx:1.25\n";
//! let found = validate(text, &CheckOptions::default());
//! let invalid = found.iter().find(|d| d.code == "IMAGE_INVALID").unwrap();
//! assert_eq!((invalid.range.start.line, invalid.range.start.character), (6, 11));
//! assert_eq!(invalid.path, "spec.containers[0].image");
//! ```

mod check;
mod diagnostic;
mod inventory;
mod options;
pub mod rules;
mod scalar;
pub mod walk;

pub use check::validate;
pub use diagnostic::{Diagnostic, Edit, Fix, Severity};
pub use inventory::{list_images, ImageUse};
pub use options::{CheckOptions, OptionsError, IGNORE_ANNOTATION, IGNORE_COMMENT};
