//! Real QEMU guests (TCG) under the libvirtd that the test command starts.

mod cli_console;
mod console_drops;
mod console_window;
mod consoles;
mod debian;
mod debian_desktop;
mod guest_shell;
mod isolation;
mod isos;
mod lifecycle;
mod metrics;
mod remote;
mod ssh_terminal;
mod vms;
mod widgets;
