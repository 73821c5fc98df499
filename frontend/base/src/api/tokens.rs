//! The caller's personal access tokens.

use gloo_net::http::Request;
use shared::{AccessToken, CreatedAccessToken, NewAccessToken, routes};

use super::{Error, decode, get_json, no_content, send_empty, send_json};

pub async fn list_tokens() -> Result<Vec<AccessToken>, Error> {
    get_json(routes::ME_TOKENS).await
}

pub async fn create_token(token: &NewAccessToken) -> Result<CreatedAccessToken, Error> {
    decode(send_json(Request::post(routes::ME_TOKENS), token).await?).await
}

pub async fn revoke_token(id: i64) -> Result<(), Error> {
    let url = routes::fill(routes::ME_TOKEN, &[&id.to_string()]);
    no_content(send_empty(Request::delete(&url)).await?).await
}
