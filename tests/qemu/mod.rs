//! Real QEMU guests (TCG) under the libvirtd that the test command starts.

mod vms;
