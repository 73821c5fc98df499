//! The ISO library: list, delete, publish; and uploads through `XMLHttpRequest`, the one
//! browser API that reports an upload's progress (fetch does not), and that can abort one.

use gloo_net::http::Request;
use shared::{
    BootDevice, BootOrder, CdMedia, ErrorBody, InstallVm, Iso, Vm, auth::CSRF_HEADER, routes,
};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{ProgressEvent, XmlHttpRequest};

use super::{Error, decode, get_json, no_content, send_empty, send_json};

pub async fn list_isos() -> Result<Vec<Iso>, Error> {
    get_json(routes::ISOS).await
}

pub async fn delete_iso(id: i64) -> Result<(), Error> {
    let url = routes::fill(routes::ISO, &[&id.to_string()]);
    no_content(send_empty(Request::delete(&url)).await?).await
}

/// `POST /api/v1/isos/{iso}/install`: a VM booting from the ISO, to install from it.
pub async fn install_vm(iso: i64, request: &InstallVm) -> Result<Vm, Error> {
    let url = routes::fill(routes::ISO_INSTALL, &[&iso.to_string()]);
    decode(send_json(Request::post(&url), request).await?).await
}

/// `GET /api/v1/vms/{id}/cdrom`.
pub async fn cd_media(uuid: &str) -> Result<CdMedia, Error> {
    get_json(&routes::fill(routes::VM_CDROM, &[uuid])).await
}

/// `PUT /api/v1/vms/{id}/cdrom`: insert `iso`, or eject (`None`).
pub async fn set_cd_media(uuid: &str, iso: Option<i64>) -> Result<(), Error> {
    let url = routes::fill(routes::VM_CDROM, &[uuid]);
    no_content(send_json(Request::put(&url), &CdMedia { iso }).await?).await
}

/// `GET /api/v1/vms/{id}/boot`: the device the VM boots from first.
pub async fn boot_order(uuid: &str) -> Result<BootDevice, Error> {
    let order: BootOrder = get_json(&routes::fill(routes::VM_BOOT, &[uuid])).await?;
    Ok(order.first)
}

/// `PUT /api/v1/vms/{id}/boot`: boot from `first` first, from the VM's next start.
pub async fn set_boot_order(uuid: &str, first: BootDevice) -> Result<(), Error> {
    let url = routes::fill(routes::VM_BOOT, &[uuid]);
    no_content(send_json(Request::put(&url), &BootOrder { first }).await?).await
}

pub async fn publish_iso(id: i64) -> Result<(), Error> {
    let url = routes::fill(routes::ADMIN_ISO_PUBLISH, &[&id.to_string()]);
    no_content(send_empty(Request::post(&url)).await?).await
}

/// An upload in flight. Dropping it does not stop it; `cancel` does.
pub struct Upload {
    xhr: XmlHttpRequest,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
    _done: Closure<dyn FnMut()>,
}

impl Upload {
    /// Aborts the upload: the server deletes what it stored of it.
    pub fn cancel(&self) {
        let _ = self.xhr.abort();
    }
}

/// Starts uploading `file` as ISO `name`. `progress(sent, total)` is called as bytes leave;
/// `done` once, with the stored ISO or why not (after `cancel`: `Unreachable`).
pub fn upload_iso(
    file: &web_sys::File,
    name: &str,
    mut progress: impl FnMut(f64, f64) + 'static,
    done: impl FnOnce(Result<Iso, Error>) + 'static,
) -> Result<Upload, Error> {
    let broken = |_| Error::Unreachable;
    let xhr = XmlHttpRequest::new().map_err(broken)?;
    let query = js_sys::encode_uri_component(name);
    xhr.open("POST", &format!("{}?name={query}", routes::ISOS))
        .map_err(broken)?;
    xhr.set_request_header(CSRF_HEADER, "1").map_err(broken)?;
    xhr.set_request_header("content-type", "application/octet-stream")
        .map_err(broken)?;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        progress(e.loaded(), e.total())
    });
    xhr.upload()
        .map_err(broken)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let mut done = Some(done);
    let answered = xhr.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        if let Some(done) = done.take() {
            done(outcome(&answered));
        }
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).map_err(broken)?;
    Ok(Upload {
        xhr,
        _progress: on_progress,
        _done: on_done,
    })
}

/// What a finished request says: the ISO, or the server's refusal; no answer (aborted, or
/// the network failed) is `Unreachable`.
fn outcome(xhr: &XmlHttpRequest) -> Result<Iso, Error> {
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(Error::Unreachable),
        200..=299 => serde_json::from_str(&text).map_err(|e| Error::BadResponse(e.to_string())),
        _ => Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Error::Api(body),
            Err(_) => Error::BadResponse(format!("HTTP {status}")),
        }),
    }
}
