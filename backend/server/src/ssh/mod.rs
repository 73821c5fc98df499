//! SSH for users: their public keys (validated, fingerprinted, generated), the server's own
//! key of each user (sealed at rest by the vault), and the terminal's client session.

pub mod identity;
pub mod keys;
pub mod terminal;
pub mod vault;

pub use identity::{Identities, Identity};
