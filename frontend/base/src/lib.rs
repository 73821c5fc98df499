//! What the desktop and the apps it loads on demand share: the API client (`api`, the only
//! code that talks to the network), the interface's strings (`i18n`) and the apps' names
//! (`AppKind`), and the apps' side of loading on demand (`lazy`). Each WASM module links its
//! own copy of what it uses.

pub mod api;
mod app_kind;
pub mod i18n;
pub mod lazy;

pub use app_kind::AppKind;
