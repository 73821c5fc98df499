//! Ezilla's one integration-test binary. Modules mirror what they test: `api` drives the real
//! backend over HTTP on libvirt's test driver, `browser` drives real headless Chromium, and
//! `qemu` runs real (TCG) guests under the libvirtd that the test command starts.

mod api;
mod browser;
mod process;
mod qemu;
mod support;
