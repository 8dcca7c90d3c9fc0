//! Code generated from `spec/` by `cargo xtask codegen` (this parent module is hand-written;
//! the files under `generated/` are not, and must not be edited).
