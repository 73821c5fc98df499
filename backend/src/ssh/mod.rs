//! SSH for users: their public keys (validated, fingerprinted, generated).

pub mod keys;
