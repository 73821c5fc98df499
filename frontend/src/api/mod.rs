//! The only code that talks to the network. Every call returns `Result<T, api::Error>`.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::{ErrorBody, Health, VmList, routes};

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

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str(
                "Cannot reach the Ezilla server. Check that it is running, then try again.",
            ),
            Self::Api(body) => f.write_str(&body.message),
            Self::BadResponse(why) => write!(f, "The server sent an unexpected answer ({why})."),
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

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|_| Error::Unreachable)?;
    decode(response).await
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
