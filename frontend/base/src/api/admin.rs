//! User management calls, for the admin app.

use gloo_net::http::Request;
use shared::{NewPassword, NewUser, Quota, User, routes};

use super::{Error, decode, get_json, no_content, send_empty, send_json};

pub async fn list_users() -> Result<Vec<User>, Error> {
    get_json(routes::ADMIN_USERS).await
}

pub async fn add_user(user: &NewUser) -> Result<User, Error> {
    decode(send_json(Request::post(routes::ADMIN_USERS), user).await?).await
}

/// Deletes user `name`; their VMs go to user `heir`, or are deleted when it is `None`.
pub async fn delete_user(name: &str, heir: Option<&str>) -> Result<(), Error> {
    let base = routes::fill(routes::ADMIN_USER, &[name]);
    let url = match heir {
        Some(heir) => format!(
            "{base}?vms=handover&to={}",
            js_sys::encode_uri_component(heir)
        ),
        None => format!("{base}?vms=delete"),
    };
    no_content(send_empty(Request::delete(&url)).await?).await
}

pub async fn set_password(name: &str, password: &NewPassword) -> Result<(), Error> {
    let url = routes::fill(routes::ADMIN_USER_PASSWORD, &[name]);
    no_content(send_json(Request::put(&url), password).await?).await
}

pub async fn set_quota(name: &str, quota: &Quota) -> Result<(), Error> {
    let url = routes::fill(routes::ADMIN_USER_QUOTA, &[name]);
    no_content(send_json(Request::put(&url), quota).await?).await
}
