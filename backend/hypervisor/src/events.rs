//! libvirt's domain lifecycle events, so a host's view is refreshed the moment a VM starts,
//! stops or changes, not at the next periodic look. The virt crate has no safe API for event
//! callbacks, so this one module speaks to libvirt's C API directly.
#![expect(
    unsafe_code,
    reason = "libvirt event callbacks: the virt crate wraps no safe API for them"
)]

use std::{
    ffi::{c_int, c_void},
    sync::{Arc, Once},
};

use tokio::sync::Notify;
use virt::{connect::Connect, sys};

/// Installs libvirt's default event loop and runs it on a thread of its own. Must run before
/// the connections that want events are opened; later calls do nothing.
pub fn start_event_loop() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        if let Err(err) = virt::event::event_register_default_impl() {
            tracing::warn!(error = %err, "no libvirt event loop; hosts are only looked at periodically");
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("libvirt-events".into())
            .spawn(|| {
                loop {
                    if let Err(err) = virt::event::event_run_default_impl() {
                        tracing::error!(error = %err, "libvirt event loop stopped");
                        return;
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::error!(error = %err, "cannot start the libvirt event thread");
        }
    });
}

/// A lifecycle-event registration on a connection. Dropping it ends the registration, and
/// with it the reference libvirt's callback list holds on the connection: a registration
/// never ended keeps its connection (and a remote host's socket) open for good.
pub struct Registration {
    conn: Connect,
    id: c_int,
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: `id` was returned by `virConnectDomainEventRegisterAny` on this connection,
        // which `self.conn` keeps alive, and is deregistered exactly once, here. libvirt then
        // calls `release` for the opaque pointer.
        let ended = unsafe { sys::virConnectDomainEventDeregisterAny(self.conn.as_ptr(), self.id) };
        if ended < 0 {
            tracing::warn!("libvirt refused to end a lifecycle-event registration");
        }
    }
}

/// Asks `conn` to wake `wake` on every lifecycle event of any of its domains, until the
/// returned registration is dropped. `None` if libvirt refused.
pub fn notify_on_lifecycle(conn: &Connect, wake: &Arc<Notify>) -> Option<Registration> {
    let opaque = Arc::into_raw(wake.clone()) as *mut c_void;
    // SAFETY: libvirt calls `on_lifecycle` with the lifecycle callback's signature (the cast to
    // the generic type is how libvirt's own VIR_DOMAIN_EVENT_CALLBACK macro registers it), and
    // hands `opaque` back unchanged; `release` runs exactly once, when the registration ends,
    // and drops the `Arc` made above. On failure libvirt does not keep `opaque`, so it is
    // released here.
    let id = unsafe {
        let callback: sys::virConnectDomainEventGenericCallback = Some(std::mem::transmute::<
            unsafe extern "C" fn(
                sys::virConnectPtr,
                sys::virDomainPtr,
                c_int,
                c_int,
                *mut c_void,
            ) -> c_int,
            unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void),
        >(on_lifecycle));
        let id = sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            std::ptr::null_mut(),
            sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE as c_int,
            callback,
            opaque,
            Some(release),
        );
        if id < 0 {
            release(opaque);
        }
        id
    };
    (id >= 0).then(|| Registration {
        conn: conn.clone(),
        id,
    })
}

unsafe extern "C" fn on_lifecycle(
    _conn: sys::virConnectPtr,
    _dom: sys::virDomainPtr,
    _event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    // SAFETY: `opaque` is the `Arc<Notify>` pointer registered above, alive until `release`.
    let wake = unsafe { &*(opaque as *const Notify) };
    wake.notify_one();
    0
}

unsafe extern "C" fn release(opaque: *mut c_void) {
    // SAFETY: made by `Arc::into_raw` in `notify_on_lifecycle`, released once.
    drop(unsafe { Arc::from_raw(opaque as *const Notify) });
}
