//! Every bench (`tests/benches/`) in its smoke mode: the bench's own body (`testkit::bench`)
//! at tiny sizes, with every check it makes on the way, so that `cargo test` keeps them
//! working; the budgets are reported (`--nocapture` shows them), never asserted here. The
//! figures themselves are the benches' (`cargo bench -p ezilla-tests --bench NAME`). Each runs
//! on a multi-threaded runtime, as the benches' `#[tokio::main]` does.

mod classroom;

use testkit::bench::{
    Mode, console_proxy, decode, desktop_ready, iso_upload, keystroke_latency, metrics, vm_list,
};

/// GET /api/v1/vms lists every domain of three generated hosts, at 1 and at 5 clients.
#[tokio::test(flavor = "multi_thread")]
async fn vm_list_lists_every_domain() {
    vm_list::run(Mode::Smoke).await;
}

/// The sampler samples every VM and reaches every host each round, in bounded ring buffers.
#[tokio::test(flavor = "multi_thread")]
async fn metrics_samples_every_vm_each_round() {
    metrics::run(Mode::Smoke).await;
}

/// Every login and every reload of the release frontend reaches the desktop's ready mark.
#[tokio::test(flavor = "multi_thread")]
async fn desktop_ready_marks_every_login_and_load() {
    desktop_ready::run(Mode::Smoke).await;
}

/// Every byte through our console proxy, websockify and the bare relay arrives in order, and
/// every echo whole.
#[tokio::test(flavor = "multi_thread")]
async fn console_proxy_moves_every_byte_in_order() {
    console_proxy::run(Mode::Smoke).await;
}

/// Each key typed in the VNC console of a real guest changes the canvas by its own echo.
#[tokio::test(flavor = "multi_thread")]
async fn keystroke_latency_times_each_keys_own_echo() {
    keystroke_latency::run(Mode::Smoke).await;
}

/// Our RFB client ends every recorded session on noVNC's pixels and update count.
#[tokio::test(flavor = "multi_thread")]
async fn decode_ends_on_the_reference_pixels() {
    decode::run(Mode::Smoke, &decode::ENCODINGS).await;
}

/// An ISO uploads through the API and through virsh, and is deleted again.
#[tokio::test(flavor = "multi_thread")]
async fn iso_upload_uploads_through_both() {
    iso_upload::run(Mode::Smoke).await;
}
