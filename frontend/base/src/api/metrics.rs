//! Metrics histories: a host's (admins) and a VM's (its owner).

use shared::{History, Range, routes};

use super::{Error, get_json};

/// What a history is of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    Host(String),
    Vm(String),
}

/// `GET /api/v1/metrics/hosts/{name}` or `GET /api/v1/metrics/vms/{id}`, over `range`.
pub async fn history(subject: &Subject, range: Range) -> Result<History, Error> {
    let path = match subject {
        Subject::Host(name) => routes::fill(routes::METRICS_HOST, &[name]),
        Subject::Vm(uuid) => routes::fill(routes::METRICS_VM, &[uuid]),
    };
    let range = match range {
        Range::Hour => "1h",
        Range::Day => "1d",
    };
    get_json(&format!("{path}?range={range}")).await
}
