//! Shared client state as `provide_*` / `use_*` context pairs.

pub mod carry;
pub mod desktop;
pub mod live;
pub mod metrics;
pub mod screen;
pub mod server;
pub mod session;
pub mod windows;
