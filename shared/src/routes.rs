//! URL paths of the JSON API, used by the router and by the client.

/// Liveness and per-host reachability.
pub const HEALTH: &str = "/api/v1/health";
/// The VM list.
pub const VMS: &str = "/api/v1/vms";
/// One VM, by UUID.
pub const VM: &str = "/api/v1/vms/{id}";
/// Log in (POST).
pub const LOGIN: &str = "/api/v1/auth/login";
/// Log out: end the session on the server (POST).
pub const LOGOUT: &str = "/api/v1/auth/logout";
/// The logged-in user.
pub const ME: &str = "/api/v1/me";
/// The logged-in user's language (PUT).
pub const ME_LANGUAGE: &str = "/api/v1/me/language";
/// Users (admin).
pub const ADMIN_USERS: &str = "/api/v1/admin/users";
/// One user (admin): DELETE.
pub const ADMIN_USER: &str = "/api/v1/admin/users/{name}";
/// One user's password (admin): PUT.
pub const ADMIN_USER_PASSWORD: &str = "/api/v1/admin/users/{name}/password";
/// One user's quota (admin): PUT.
pub const ADMIN_USER_QUOTA: &str = "/api/v1/admin/users/{name}/quota";
/// The pool's hosts.
pub const HOSTS: &str = "/api/v1/hosts";
/// Add a host at runtime (admin): POST.
pub const ADMIN_HOSTS: &str = "/api/v1/admin/hosts";
/// Remove a host added at runtime (admin): DELETE.
pub const ADMIN_HOST: &str = "/api/v1/admin/hosts/{name}";
/// A lifecycle action on one VM: POST `{"action": "start"}` and so on.
pub const VM_ACTION: &str = "/api/v1/vms/{id}/action";
/// The template catalogue: GET for all, POST for admins.
pub const TEMPLATES: &str = "/api/v1/templates";
/// One template (admin): DELETE.
pub const TEMPLATE: &str = "/api/v1/templates/{name}";
/// Live VM list changes (WebSocket).
pub const EVENTS: &str = "/api/v1/events";

/// A route path with its `{param}` filled in, for clients.
pub fn fill(route: &str, value: &str) -> String {
    let start = route.find('{').expect("route has a parameter");
    let end = route[start..].find('}').expect("closing brace") + start;
    format!("{}{}{}", &route[..start], value, &route[end + 1..])
}
