//! Empty: the proof is `tests/proof.rs`.
