//! The only code that talks to the network. Every call returns `Result<T, api::Error>`.

mod admin;
mod console;
mod events;
mod hosts;
mod isos;
mod keys;
mod metrics;
mod tokens;
mod wallpaper;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use shared::{
    ActionRequest, CreateVm, Desktop, ErrorBody, ErrorCode, Health, HostInfo, LoginRequest,
    NewSnapshot, SaveImage, SetLanguage, Snapshot, TaskInfo, Template, User, VersionedDesktop, Vm,
    VmAction, VmList, WebsiteEntry, auth::CSRF_HEADER, routes,
};

pub use admin::*;
pub use console::{Closed, ConsoleSocket, open_console};
pub use events::{VmEvents, subscribe};
pub use hosts::{
    add_host, add_template, delete_template, edit_template, host_pools, pool_volumes,
    publish_image, remove_host,
};
pub use isos::{
    Upload, boot_order, cd_media, delete_iso, install_vm, list_isos, publish_iso, set_boot_order,
    set_cd_media, upload_iso,
};
pub use keys::{add_key, generate_key, list_keys, remove_key};
pub use metrics::{Subject, history};
pub use tokens::{create_token, list_tokens, revoke_token};
pub use wallpaper::{upload_wallpaper, uploaded_wallpaper};

/// Why an API call failed, in terms the user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The request never got an answer: the server is down or the network is.
    Unreachable,
    /// The server answered with an error body.
    Api(ErrorBody),
    /// The server answered something this client does not understand.
    BadResponse(String),
}

// So that a failed load can be thrown to an `ErrorBoundary`, which shows it with
// `I18n::thrown` in the user's language.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server is unreachable"),
            Self::Api(body) => f.write_str(&body.message),
            Self::BadResponse(detail) => write!(f, "unexpected response: {detail}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The error's machine code, when the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(body) => Some(body.code),
            _ => None,
        }
    }
}

/// `GET /api/v1/health`.
pub async fn health() -> Result<Health, Error> {
    get_json(routes::HEALTH).await
}

/// `GET /api/v1/vms`.
pub async fn list_vms() -> Result<VmList, Error> {
    get_json(routes::VMS).await
}

/// `POST /api/v1/auth/login`.
pub async fn login(request: &LoginRequest) -> Result<User, Error> {
    decode(send_json(Request::post(routes::LOGIN), request).await?).await
}

/// `POST /api/v1/auth/logout`.
pub async fn logout() -> Result<(), Error> {
    no_content(send_empty(Request::post(routes::LOGOUT)).await?).await
}

/// `GET /api/v1/me`; `Ok(None)` when not logged in.
pub async fn me() -> Result<Option<User>, Error> {
    match get_json(routes::ME).await {
        Ok(user) => Ok(Some(user)),
        Err(err) if err.code() == Some(ErrorCode::Unauthorized) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The WebSocket URL of `path` on the page's own origin (`wss:` under HTTPS).
fn socket_url(path: &str) -> Result<String, Error> {
    let location = web_sys::window().ok_or(Error::Unreachable)?.location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().map_err(|_| Error::Unreachable)?;
    Ok(format!("{scheme}://{host}{path}"))
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|_| Error::Unreachable)?;
    decode(response).await
}

/// Sends `body` as JSON, which is also the proof of same-origin that the server asks of
/// state-changing requests.
async fn send_json<B: Serialize>(request: RequestBuilder, body: &B) -> Result<Response, Error> {
    request
        .json(body)
        .map_err(|e| Error::BadResponse(e.to_string()))?
        .send()
        .await
        .map_err(|_| Error::Unreachable)
}

/// Sends a request with no body, proving same-origin by the custom header.
async fn send_empty(request: RequestBuilder) -> Result<Response, Error> {
    request
        .header(CSRF_HEADER, "1")
        .send()
        .await
        .map_err(|_| Error::Unreachable)
}

/// Success with no body (204), or the error the server sent.
async fn no_content(response: Response) -> Result<(), Error> {
    if response.ok() {
        Ok(())
    } else {
        decode::<()>(response).await
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    if response.ok() {
        return response
            .json()
            .await
            .map_err(|e| Error::BadResponse(e.to_string()));
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(Error::Api(body)),
        // A proxy in front of a stopped server answers 502/504 with no JSON.
        Err(_) if matches!(response.status(), 502..=504) => Err(Error::Unreachable),
        Err(_) => Err(Error::BadResponse(format!("HTTP {}", response.status()))),
    }
}

/// `POST /api/v1/vms`.
pub async fn create_vm(request: &CreateVm) -> Result<Vm, Error> {
    decode(send_json(Request::post(routes::VMS), request).await?).await
}

/// `POST /api/v1/vms/{id}/action`.
pub async fn vm_action(uuid: &str, action: VmAction) -> Result<(), Error> {
    let url = routes::fill(routes::VM_ACTION, &[uuid]);
    no_content(send_json(Request::post(&url), &ActionRequest { action }).await?).await
}

/// A one-time entry URL of the VM's website, on the VM's own origin.
pub async fn website_entry(uuid: &str) -> Result<WebsiteEntry, Error> {
    let url = routes::fill(routes::VM_WEBSITE, &[uuid]);
    decode(send_empty(Request::post(&url)).await?).await
}

/// `DELETE /api/v1/vms/{id}`, with its disks if `disks`.
pub async fn delete_vm(uuid: &str, disks: bool) -> Result<(), Error> {
    let url = format!("{}?disks={disks}", routes::fill(routes::VM, &[uuid]));
    no_content(send_empty(Request::delete(&url)).await?).await
}

/// `GET /api/v1/templates`.
pub async fn list_templates() -> Result<Vec<Template>, Error> {
    get_json(routes::TEMPLATES).await
}

/// `GET /api/v1/hosts`.
pub async fn list_hosts() -> Result<Vec<HostInfo>, Error> {
    get_json(routes::HOSTS).await
}

/// `POST /api/v1/vms/{id}/save-image`: starts the copy; the task reports on it.
pub async fn save_image(uuid: &str, template: &str) -> Result<TaskInfo, Error> {
    let url = routes::fill(routes::VM_SAVE_IMAGE, &[uuid]);
    let body = SaveImage {
        template: template.to_owned(),
    };
    decode(send_json(Request::post(&url), &body).await?).await
}

/// `GET /api/v1/vms/{id}/snapshots`.
pub async fn list_snapshots(uuid: &str) -> Result<Vec<Snapshot>, Error> {
    get_json(&routes::fill(routes::VM_SNAPSHOTS, &[uuid])).await
}

/// `POST /api/v1/vms/{id}/snapshots`.
pub async fn take_snapshot(uuid: &str, name: &str) -> Result<Snapshot, Error> {
    let url = routes::fill(routes::VM_SNAPSHOTS, &[uuid]);
    let body = NewSnapshot {
        name: name.to_owned(),
    };
    decode(send_json(Request::post(&url), &body).await?).await
}

/// `POST /api/v1/vms/{id}/snapshots/{name}/revert`.
pub async fn revert_snapshot(uuid: &str, name: &str) -> Result<(), Error> {
    let url = routes::fill(routes::VM_SNAPSHOT_REVERT, &[uuid, name]);
    no_content(send_empty(Request::post(&url)).await?).await
}

/// `DELETE /api/v1/vms/{id}/snapshots/{name}`.
pub async fn delete_snapshot(uuid: &str, name: &str) -> Result<(), Error> {
    let url = routes::fill(routes::VM_SNAPSHOT, &[uuid, name]);
    no_content(send_empty(Request::delete(&url)).await?).await
}

/// `GET /api/v1/me/desktop`.
pub async fn load_desktop() -> Result<VersionedDesktop, Error> {
    get_json(routes::ME_DESKTOP).await
}

/// `PUT /api/v1/me/desktop` over `version`; a `version_conflict` error when another tab saved
/// since.
pub async fn save_desktop(version: u64, desktop: &Desktop) -> Result<VersionedDesktop, Error> {
    let request = Request::put(routes::ME_DESKTOP).header("if-match", &format!("\"{version}\""));
    decode(send_json(request, desktop).await?).await
}

/// `PUT /api/v1/me/language`.
pub async fn set_language(request: &SetLanguage) -> Result<User, Error> {
    decode(send_json(Request::put(routes::ME_LANGUAGE), request).await?).await
}
