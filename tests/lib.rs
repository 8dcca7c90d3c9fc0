//! Holder crate for the workspace-level end-to-end tests in this folder (see `*.rs`).
