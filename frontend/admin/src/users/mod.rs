//! User Admin (administrators only): list users, add one, reset a password, set a quota,
//! delete.

mod edit;

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{NewUser, Role, User};

use crate::{
    api,
    i18n::{Key, use_i18n},
};
use edit::{EditForm, Editing};

#[component]
pub fn UserAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(api::list_users);
    // The outcome of the last change: Ok(()) shows "Saved.", Err the server's message.
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let report = move |result: Result<(), api::Error>| {
        outcome.set(Some(result.map_err(|e| i18n.error(&e))));
        users.refetch();
    };
    let editing = RwSignal::new(None::<Editing>);

    view! {
        <div class="user-admin">
            <AddUserForm on_done=report />
            {move || outcome.get().map(|o| match o {
                Ok(()) => view! { <p class="done" role="status">{i18n.t(Key::Done)}</p> }.into_any(),
                Err(msg) => view! { <p class="error" role="alert">{msg}</p> }.into_any(),
            })}
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
            }>
                <Transition fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        users.await.map(|users| view! { <UserTable users editing on_done=report /> })
                    })}
                </Transition>
            </ErrorBoundary>
            {move || editing.get().map(|e| view! { <EditForm editing=e on_close=move || editing.set(None) on_done=report /> })}
        </div>
    }
}

#[component]
fn AddUserForm(on_done: impl Fn(Result<(), api::Error>) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let add = Action::new_local(move |user: &NewUser| {
        let user = user.clone();
        async move {
            let result = api::add_user(&user).await.map(drop);
            if result.is_ok() {
                username.set(String::new());
                password.set(String::new());
            }
            on_done(result);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        add.dispatch(NewUser {
            username: username.get_untracked(),
            password: password.get_untracked(),
            role: if admin.get_untracked() {
                Role::Admin
            } else {
                Role::User
            },
            quota: None,
        });
    };
    view! {
        <form class="add-user toolbar" on:submit=submit>
            <input name="new-username" required placeholder=move || i18n.t(Key::Username)
                aria-label=move || i18n.t(Key::Username) bind:value=username />
            <input name="new-password" type="password" required autocomplete="new-password"
                placeholder=move || i18n.t(Key::Password) aria-label=move || i18n.t(Key::Password)
                bind:value=password />
            <label>
                <input type="checkbox" name="new-admin" bind:checked=admin />
                {move || i18n.t(Key::RoleAdmin)}
            </label>
            <button type="submit" disabled=move || add.pending().get()>{move || i18n.t(Key::AddUser)}</button>
        </form>
    }
}

#[component]
fn UserTable(
    users: Vec<User>,
    editing: RwSignal<Option<Editing>>,
    on_done: impl Fn(Result<(), api::Error>) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let remove = Action::new_local(move |(name, heir): &(String, Option<String>)| {
        let (name, heir) = (name.clone(), heir.clone());
        async move { on_done(api::delete_user(&name, heir.as_deref()).await) }
    });
    let delete = move |name: String| {
        let confirmed = window()
            .confirm_with_message(i18n.t(Key::ConfirmDelete))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        // Their VMs are handed over to the user named here, or deleted when none is named.
        let Ok(Some(heir)) = window().prompt_with_message_and_default(i18n.t(Key::VmsGoTo), "")
        else {
            return;
        };
        let heir = Some(heir.trim().to_owned()).filter(|h| !h.is_empty());
        remove.dispatch((name, heir));
    };
    let headers = [Key::Username, Key::ColRole, Key::Language, Key::ColQuota];
    view! {
        <table class="user-table">
            <thead><tr>
                {headers.map(|k| view! { <th>{move || i18n.t(k)}</th> }).collect_view()}
                <th></th>
            </tr></thead>
            <tbody>
                {users.into_iter().map(|user| {
                    let q = user.quota;
                    let role = if user.role == Role::Admin { Key::RoleAdmin } else { Key::RoleUser };
                    let (n1, n2, n3) = (user.username.clone(), user.username.clone(), user.username.clone());
                    view! {
                        <tr data-user=user.username.clone()>
                            <td>{user.username.clone()}</td>
                            <td>{move || i18n.t(role)}</td>
                            <td>{user.language.native_name()}</td>
                            <td class="quota">{format!("{} / {} / {} / {}", q.max_vms, q.max_vcpus, q.max_memory_mib, q.max_disk_gib)}</td>
                            <td class="actions">
                                <button class="reset-password" on:click=move |_| editing.set(Some(Editing::Password(n1.clone())))>
                                    {move || i18n.t(Key::ResetPassword)}
                                </button>
                                <button class="set-quota" on:click=move |_| editing.set(Some(Editing::Quota(n2.clone(), q)))>
                                    {move || i18n.t(Key::SetQuota)}
                                </button>
                                <button class="delete" on:click=move |_| delete(n3.clone())>
                                    {move || i18n.t(Key::Delete)}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
