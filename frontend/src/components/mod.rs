//! Pure view components: props in, markup out, no network.

pub mod chart;
pub mod clock;
pub mod hypervisor_badge;
pub mod loaded;
pub mod menu_keys;
pub mod vm_screen;
pub mod vm_table;
