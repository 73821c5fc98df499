//! URL paths of the JSON API, used by the router and by the client.

/// Liveness and per-host reachability.
pub const HEALTH: &str = "/api/v1/health";
/// The VM list.
pub const VMS: &str = "/api/v1/vms";
