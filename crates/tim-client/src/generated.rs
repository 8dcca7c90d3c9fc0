//! Code generated from `spec/` by `cargo xtask codegen`: the request/response types, their
//! limit checks, the error codes, the endpoint metadata, one `Client` method per endpoint and
//! the regions.
//!
//! This parent module is hand-written; the files under `generated/` are not and must not be
//! edited (change `spec/` and rerun `cargo xtask codegen`; a test fails when they are stale).
//! `#[rustfmt::skip]` keeps `cargo fmt` off them: their layout is prettyplease's.

#[rustfmt::skip]
pub mod endpoints;
#[rustfmt::skip]
pub mod errors;
#[rustfmt::skip]
mod methods;
#[rustfmt::skip]
pub mod regions;
#[rustfmt::skip]
pub mod types;
#[rustfmt::skip]
mod validate;
