//! Who is logged in, and the interface language (the user's, or the one picked on the login
//! page, remembered in this browser for the next visit).

use leptos::prelude::*;
use shared::{Language, LoginRequest, User};

use crate::{api, i18n::I18n};

/// Where this browser remembers the last language picked.
const LANGUAGE_KEY: &str = "ezilla.language";

/// The session as the client knows it.
#[derive(Clone, Copy)]
pub struct Session {
    /// The logged-in user, if any.
    pub user: RwSignal<Option<User>>,
    /// False until the server has said whether the cookie is still good.
    pub checked: RwSignal<bool>,
    i18n: I18n,
}

impl Session {
    /// Logs in; on success the user's language (the one picked) applies at once.
    pub async fn login(self, request: LoginRequest) -> Result<(), api::Error> {
        let user = api::login(&request).await?;
        self.i18n.language.set(user.language);
        self.user.set(Some(user));
        Ok(())
    }

    /// Ends the session on the server, then shows the login page.
    pub fn logout(self) {
        leptos::task::spawn_local(async move {
            // Even if the server is gone, the user asked to leave: show the login page.
            let _ = api::logout().await;
            self.user.set(None);
        });
    }

    pub fn is_admin(self) -> bool {
        self.user
            .with(|u| u.as_ref().is_some_and(|u| u.role == shared::Role::Admin))
    }
}

pub fn provide_session() {
    let i18n = I18n {
        language: RwSignal::new(remembered_language().unwrap_or_default()),
    };
    provide_context(i18n);
    Effect::new(move || {
        let language = i18n.language.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", language.tag());
        }
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(LANGUAGE_KEY, language.tag());
        }
    });

    let session = Session {
        user: RwSignal::new(None),
        checked: RwSignal::new(false),
        i18n,
    };
    leptos::task::spawn_local(async move {
        if let Ok(Some(user)) = api::me().await {
            i18n.language.set(user.language);
            session.user.set(Some(user));
        }
        session.checked.set(true);
    });
    provide_context(session);
}

pub fn use_session() -> Session {
    expect_context()
}

fn remembered_language() -> Option<Language> {
    let storage = window().local_storage().ok().flatten()?;
    Language::from_tag(&storage.get_item(LANGUAGE_KEY).ok().flatten()?)
}
