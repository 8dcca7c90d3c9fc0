//! UserSig (work in progress).
