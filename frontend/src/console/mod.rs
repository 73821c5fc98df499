//! The console windows' protocol side: the in-browser VNC (RFB 3.8) client's pure-Rust core.

pub mod rfb;
