//! The inline forms of User Admin: a new password, or a quota, for one user.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{NewPassword, Quota};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

/// What is being edited, and for whom.
#[derive(Debug, Clone, PartialEq)]
pub enum Editing {
    Password(String),
    Quota(String, Quota),
}

#[component]
pub fn EditForm(
    editing: Editing,
    on_close: impl Fn() + Copy + 'static,
    on_done: impl Fn(Result<(), api::Error>) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let quota = match &editing {
        Editing::Quota(_, q) => *q,
        Editing::Password(_) => Quota {
            max_vms: 0,
            max_vcpus: 0,
            max_memory_mib: 0,
            max_disk_gib: 0,
        },
    };
    let fields = [
        (Key::MaxVms, RwSignal::new(quota.max_vms.to_string())),
        (Key::MaxVcpus, RwSignal::new(quota.max_vcpus.to_string())),
        (
            Key::MaxMemoryMib,
            RwSignal::new(quota.max_memory_mib.to_string()),
        ),
        (
            Key::MaxDiskGib,
            RwSignal::new(quota.max_disk_gib.to_string()),
        ),
    ];
    let target = editing.clone();
    let save = Action::new_local(move |_: &()| {
        let target = target.clone();
        let numbers: Vec<String> = fields.iter().map(|(_, s)| s.get_untracked()).collect();
        let new_password = password.get_untracked();
        async move {
            let result = match target {
                Editing::Password(name) => {
                    api::set_password(
                        &name,
                        &NewPassword {
                            password: new_password,
                        },
                    )
                    .await
                }
                Editing::Quota(name, _) => match parse_quota(&numbers) {
                    Some(quota) => api::set_quota(&name, &quota).await,
                    None => Err(api::Error::BadResponse("whole numbers only".into())),
                },
            };
            let ok = result.is_ok();
            on_done(result);
            if ok {
                on_close();
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    let (name, body) = match editing {
        Editing::Password(name) => (name, view! {
            <input name="reset-password" type="password" required autocomplete="new-password"
                aria-label=move || i18n.t(Key::NewPassword) placeholder=move || i18n.t(Key::NewPassword)
                bind:value=password />
        }.into_any()),
        Editing::Quota(name, _) => (name, fields.map(|(key, value)| view! {
            <label>
                <span>{move || i18n.t(key)}</span>
                <input type="number" min="0" required bind:value=value />
            </label>
        }).collect_view().into_any()),
    };
    view! {
        <form class="edit-user toolbar" on:submit=submit>
            <strong>{name}</strong>
            {body}
            <button type="submit" disabled=move || save.pending().get()>{move || i18n.t(Key::Save)}</button>
            <button type="button" on:click=move |_| on_close()>{move || i18n.t(Key::Cancel)}</button>
        </form>
    }
}

fn parse_quota(numbers: &[String]) -> Option<Quota> {
    Some(Quota {
        max_vms: numbers[0].trim().parse().ok()?,
        max_vcpus: numbers[1].trim().parse().ok()?,
        max_memory_mib: numbers[2].trim().parse().ok()?,
        max_disk_gib: numbers[3].trim().parse().ok()?,
    })
}
