//! The caller's SSH keys.

use gloo_net::http::Request;
use shared::{GenerateKey, GeneratedKey, NewSshKey, SshKey, routes};

use super::{Error, decode, get_json, no_content, send_empty, send_json};

pub async fn list_keys() -> Result<Vec<SshKey>, Error> {
    get_json(routes::ME_KEYS).await
}

pub async fn add_key(key: &NewSshKey) -> Result<SshKey, Error> {
    decode(send_json(Request::post(routes::ME_KEYS), key).await?).await
}

pub async fn generate_key(request: &GenerateKey) -> Result<GeneratedKey, Error> {
    decode(send_json(Request::post(routes::ME_KEYS_GENERATE), request).await?).await
}

pub async fn remove_key(id: i64) -> Result<(), Error> {
    let url = routes::fill(routes::ME_KEY, &[&id.to_string()]);
    no_content(send_empty(Request::delete(&url)).await?).await
}
