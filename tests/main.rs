//! Ezilla's one integration-test binary. Modules mirror what they test: `api` drives the real
//! backend over HTTP on libvirt's test driver, `browser` drives real headless Chromium, and
//! `qemu` runs real (TCG) guests under the libvirtd that the test command starts;
//! `bench_smoke` runs every bench small. The helpers are the `testkit` crate's, which the
//! benches share.

mod api;
mod bench_smoke;
mod browser;
mod process;
mod qemu;
