//! The desktop's applications. Each owns its data loading; the shell only opens windows.

mod vm_manager;

use leptos::prelude::*;

/// Every application the desktop can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppKind {
    VmManager,
}

impl AppKind {
    /// All apps, in launcher order.
    pub const ALL: [AppKind; 1] = [AppKind::VmManager];

    /// A stable identifier, used in the DOM (`data-app`) and, later, in saved layouts.
    pub fn slug(self) -> &'static str {
        match self {
            Self::VmManager => "vm-manager",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::VmManager => "VM Manager",
        }
    }

    /// The icon's URL under the served assets.
    pub fn icon(self) -> &'static str {
        match self {
            Self::VmManager => "/icons/vm-manager.svg",
        }
    }

    /// The app's content, placed inside a window.
    pub fn view(self) -> AnyView {
        match self {
            Self::VmManager => view! { <vm_manager::VmManager /> }.into_any(),
        }
    }
}
