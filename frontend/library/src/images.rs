//! The Images app: the user's ISO library. Upload an ISO (a progress bar with the speed, and
//! cancel), see each one's size and SHA-256, delete one's own; admins publish one to all.

use leptos::{ev::Event, prelude::*};
use shared::{Iso, Role};
use wasm_bindgen::JsCast;

use crate::{
    api,
    i18n::{Key, use_i18n},
};

/// An upload's progress as shown: bytes sent, of all, and when it began (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Progress {
    sent: f64,
    total: f64,
    started: f64,
    now: f64,
}

impl Progress {
    fn percent(self) -> f64 {
        if self.total > 0.0 {
            (self.sent / self.total * 100.0).min(100.0)
        } else {
            0.0
        }
    }

    /// MB/s since the start.
    fn speed(self) -> f64 {
        let secs = ((self.now - self.started) / 1000.0).max(0.001);
        self.sent / 1e6 / secs
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A file's name as an ISO name the server takes: letters, digits, `-`, `_`, `.`; at most 63.
fn iso_name(file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() || "-_.".contains(c) {
            true => c,
            false => '_',
        })
        .take(63)
        .collect();
    if name.is_empty() {
        "upload.iso".into()
    } else {
        name
    }
}

/// A change to an ISO of the list.
#[derive(Clone, Copy)]
enum Change {
    Delete(i64),
    Publish(i64),
}

#[component]
pub fn Images() -> impl IntoView {
    let i18n = use_i18n();
    // Admins publish; the desktop's session is not this module's, so it asks the server.
    let me = LocalResource::new(api::me);
    let is_admin = Signal::derive(move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|user| user.role == Role::Admin)
    });
    // The error line: how the last upload or change went.
    let error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<Progress>);
    let uploaded = RwSignal::new(None::<Iso>);
    let upload = StoredValue::new_local(None::<api::Upload>);
    let change = Action::new_local(|change: &Change| {
        let change = *change;
        async move {
            match change {
                Change::Delete(id) => api::delete_iso(id).await,
                Change::Publish(id) => api::publish_iso(id).await,
            }
        }
    });
    Effect::new(move || {
        if let Some(outcome) = change.value().get() {
            error.set(outcome.err().map(|e| i18n.error(&e)));
        }
    });
    // Listed again after each change, and after each upload (`refetch`).
    let isos = LocalResource::new(move || {
        change.version().track();
        api::list_isos()
    });
    let chosen = move |ev: Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        let started = now_ms();
        progress.set(Some(Progress {
            sent: 0.0,
            total: file.size(),
            started,
            now: started,
        }));
        error.set(None);
        uploaded.set(None);
        let moved = move |sent, total| {
            progress.set(Some(Progress {
                sent,
                total,
                started,
                now: now_ms(),
            }))
        };
        let done = move |outcome: Result<Iso, api::Error>| {
            // A cancelled upload's end was shown when it was cancelled.
            if progress.get_untracked().is_none() {
                return;
            }
            progress.set(None);
            match outcome {
                Ok(iso) => uploaded.set(Some(iso)),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
            isos.refetch();
        };
        match api::upload_iso(&file, &iso_name(&file.name()), moved, done) {
            Ok(handle) => upload.set_value(Some(handle)),
            Err(err) => {
                progress.set(None);
                error.set(Some(i18n.error(&err)));
            }
        }
    };
    let cancel = move |_| {
        progress.set(None);
        upload.update_value(|u| {
            if let Some(u) = u.take() {
                u.cancel();
            }
        });
    };
    view! {
        <section class="images-app">
            <label class="upload-iso button">
                {move || i18n.t(Key::UploadIso)}
                <input type="file" class="iso-file" accept=".iso,application/x-iso9660-image"
                    on:change=chosen hidden=move || progress.get().is_some() />
            </label>
            {move || progress.get().map(|p| view! {
                <div class="upload" role="status">
                    <progress class="upload-progress" max="100" value=format!("{:.1}", p.percent())></progress>
                    <span class="upload-percent">{format!("{:.0} %", p.percent())}</span>
                    <span class="upload-speed">{format!("{:.1} MB/s", p.speed())}</span>
                    <button class="cancel-upload" on:click=cancel>{move || i18n.t(Key::Cancel)}</button>
                </div>
            })}
            {move || uploaded.get().map(|iso| view! {
                <p class="notice upload-done" role="status">
                    {iso.name} " SHA-256: " <code class="sha256">{iso.sha256}</code>
                </p>
            })}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
            }>
            <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    isos.await.map(|list| iso_table(list, change, is_admin))
                })}
            </Transition>
            </ErrorBoundary>
        </section>
    }
}

/// The listed ISOs, each with its buttons; an empty line when there are none.
fn iso_table(
    list: Vec<Iso>,
    change: Action<Change, Result<(), api::Error>>,
    is_admin: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::NoIsos)}</p> }.into_any();
    }
    view! {
            <table class="iso-table user-table">
                <tr>
                    <th>{move || i18n.t(Key::ColName)}</th>
                    <th>"MiB"</th>
                    <th>{move || i18n.t(Key::ColOwner)}</th>
                    <th>"SHA-256"</th>
                    <th></th>
                </tr>
                {list.into_iter().map(|iso| {
                    let id = iso.id;
                    let public = iso.public;
                    view! {
                        <tr data-iso=iso.name.clone()>
                            <td>{iso.name.clone()}</td>
                            <td>{format!("{:.1}", iso.bytes as f64 / 1048576.0)}</td>
                            <td>{iso.owner.clone()}{public.then_some(" ★")}</td>
                            <td><code class="sha256" title=iso.sha256.clone()>{iso.sha256[..12.min(iso.sha256.len())].to_owned()}</code></td>
                            <td>
                                <button class="delete-iso" on:click=move |_| { change.dispatch(Change::Delete(id)); }>
                                    {move || i18n.t(Key::Delete)}
                                </button>
                                {move || (is_admin.get() && !public).then(|| view! {
                                    <button class="publish-iso" on:click=move |_| { change.dispatch(Change::Publish(id)); }>
                                        {move || i18n.t(Key::Publish)}
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_names_the_server_takes() {
        assert_eq!(
            iso_name("debian 12 (netinst).iso"),
            "debian_12__netinst_.iso"
        );
        assert_eq!(iso_name(""), "upload.iso");
        assert_eq!(iso_name(&"x".repeat(80)).len(), 63);
    }
}
