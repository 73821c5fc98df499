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
/// The logged-in user's desktop: GET, and PUT with `If-Match`.
pub const ME_DESKTOP: &str = "/api/v1/me/desktop";
/// The logged-in user's uploaded wallpaper: PUT an image (raw body), GET it back as JPEG.
pub const ME_WALLPAPER: &str = "/api/v1/me/wallpaper";
/// The caller's SSH public keys: list, add.
pub const ME_KEYS: &str = "/api/v1/me/keys";
/// One of the caller's SSH keys: remove.
pub const ME_KEY: &str = "/api/v1/me/keys/{key}";
/// A new ed25519 keypair, its private half answered once.
pub const ME_KEYS_GENERATE: &str = "/api/v1/me/keys/generate";
/// The caller's personal access tokens: list, create (from a session).
pub const ME_TOKENS: &str = "/api/v1/me/tokens";
/// One of the caller's tokens: revoke (from a session).
pub const ME_TOKEN: &str = "/api/v1/me/tokens/{token}";
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
/// A running VM's screen as PNG (`?width=N`).
pub const VM_SCREENSHOT: &str = "/api/v1/vms/{id}/screenshot";
/// A VM's snapshots: GET lists, POST takes one.
pub const VM_SNAPSHOTS: &str = "/api/v1/vms/{id}/snapshots";
/// One snapshot: DELETE.
pub const VM_SNAPSHOT: &str = "/api/v1/vms/{id}/snapshots/{snapshot}";
/// Revert a VM to a snapshot: POST.
pub const VM_SNAPSHOT_REVERT: &str = "/api/v1/vms/{id}/snapshots/{snapshot}/revert";
/// Save a VM's disk as a new template (a long action: 202 and a task): POST.
pub const VM_SAVE_IMAGE: &str = "/api/v1/vms/{id}/save-image";
/// A VM's graphical console: a WebSocket carrying RFB (VNC) in binary frames.
pub const VM_CONSOLE_VNC: &str = "/api/v1/vms/{id}/console/vnc";
/// A VM's serial console: a WebSocket carrying the console's bytes both ways.
pub const VM_CONSOLE_SERIAL: &str = "/api/v1/vms/{id}/console/serial";
/// A shell on the VM over SSH, as its owner: a WebSocket carrying the terminal's bytes in
/// binary frames and `terminal::Control`/`terminal::Notice` in text frames; `?cols=&rows=`
/// give the terminal's first size.
pub const VM_CONSOLE_SSH: &str = "/api/v1/vms/{id}/console/ssh";
/// A one-time entry to the VM's website, on its own origin (POST).
pub const VM_WEBSITE: &str = "/api/v1/vms/{id}/website";
/// A task's progress and outcome.
pub const TASK: &str = "/api/v1/tasks/{task}";
/// The template catalogue: GET for all, POST for admins.
pub const TEMPLATES: &str = "/api/v1/templates";
/// One template (admin): DELETE.
pub const TEMPLATE: &str = "/api/v1/templates/{name}";
/// One of the caller's own saved images: DELETE.
pub const IMAGE: &str = "/api/v1/images/{name}";
/// Publish a user's saved image to the shared catalogue (admin): POST.
pub const ADMIN_IMAGE_PUBLISH: &str = "/api/v1/admin/images/{owner}/{name}/publish";
/// A host's storage pools with their free space (admin): GET.
pub const ADMIN_HOST_POOLS: &str = "/api/v1/admin/hosts/{name}/pools";
/// A storage pool's volumes (admin): GET.
pub const ADMIN_HOST_POOL_VOLUMES: &str = "/api/v1/admin/hosts/{name}/pools/{pool}/volumes";
/// The ISO library: GET the caller's and the published ISOs; POST `?name=` with the file
/// as the raw body (`Content-Length` required) to upload one.
pub const ISOS: &str = "/api/v1/isos";
/// One ISO of the caller's (or a published one, to read): GET, DELETE.
pub const ISO: &str = "/api/v1/isos/{iso}";
/// Create a VM that boots from the ISO, to install from it (POST `InstallVm`).
pub const ISO_INSTALL: &str = "/api/v1/isos/{iso}/install";
/// The ISO in a VM's CD drive: GET, and PUT `CdMedia` to insert one or eject.
pub const VM_CDROM: &str = "/api/v1/vms/{id}/cdrom";
/// Which device a VM boots from first: GET, and PUT `BootOrder` (from its next start).
pub const VM_BOOT: &str = "/api/v1/vms/{id}/boot";
/// Publish an ISO to every user (admin): POST.
pub const ADMIN_ISO_PUBLISH: &str = "/api/v1/admin/isos/{iso}/publish";
/// A host's metrics history (admin): `?range=1h|1d`.
pub const METRICS_HOST: &str = "/api/v1/metrics/hosts/{name}";
/// A VM's metrics history (its owner, admins): `?range=1h|1d`.
pub const METRICS_VM: &str = "/api/v1/metrics/vms/{id}";
/// Prometheus metrics: a token from the configuration (`Authorization: Bearer`) or an admin
/// session.
pub const PROMETHEUS: &str = "/metrics";
/// The OpenAPI 3.1 document of this API.
pub const OPENAPI: &str = "/api/v1/openapi.json";
/// The API reference: a page that reads the OpenAPI document.
pub const API_DOCS: &str = "/api/v1/docs";
/// Live VM list changes (WebSocket).
pub const EVENTS: &str = "/api/v1/events";

/// A route path with its `{param}`s filled in, in order, for clients.
pub fn fill(route: &str, values: &[&str]) -> String {
    let mut path = route.to_owned();
    for value in values {
        let start = path.find('{').expect("route has another parameter");
        let end = path[start..].find('}').expect("closing brace") + start;
        path.replace_range(start..=end, value);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_fill_in_order() {
        assert_eq!(
            fill(VM_SNAPSHOT_REVERT, &["u1", "s1"]),
            "/api/v1/vms/u1/snapshots/s1/revert"
        );
        assert_eq!(fill(ADMIN_USER, &["alice"]), "/api/v1/admin/users/alice");
    }
}
