//! Shared client state as `provide_*` / `use_*` context pairs.

pub mod desktop;
pub mod server;
pub mod session;
pub mod windows;
