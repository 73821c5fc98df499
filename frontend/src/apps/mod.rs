//! The desktop's applications. Each owns its data loading; the shell only opens windows. The
//! consoles, the administrators' apps, Settings' account sections and the ISO library (Images)
//! are WASM modules of their own, loaded on demand (`lazy`).

mod lazy;
mod settings;
mod visualizer;
mod vm_creator;
mod vm_manager;
mod website;

pub use frontend_base::AppKind;
use leptos::prelude::*;

use lazy::{LazyApp, Module};

/// The content of a window of `app` (about `vm`, for a console).
pub fn view(app: AppKind, vm: Option<String>) -> AnyView {
    match app {
        AppKind::VmManager => view! { <vm_manager::VmManager /> }.into_any(),
        AppKind::VmCreator => view! { <vm_creator::VmCreator /> }.into_any(),
        AppKind::Visualizer => view! { <visualizer::Visualizer /> }.into_any(),
        AppKind::Images => view! { <LazyApp module=Module::Library app vm /> }.into_any(),
        AppKind::Settings => view! { <settings::Settings /> }.into_any(),
        AppKind::Website => view! { <website::Website uuid=vm.unwrap_or_default() /> }.into_any(),
        AppKind::UserAdmin | AppKind::Hosts | AppKind::Templates => {
            view! { <LazyApp module=Module::Admin app vm /> }.into_any()
        }
        AppKind::SerialConsole | AppKind::SshTerminal | AppKind::VncConsole => {
            view! { <LazyApp module=Module::Consoles app vm /> }.into_any()
        }
    }
}
