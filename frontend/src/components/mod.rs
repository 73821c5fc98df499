//! Pure view components: props in, markup out, no network.

pub mod clock;
pub mod hypervisor_badge;
pub mod vm_table;
