//! The classroom bench's smoke run (`testkit::bench::classroom`, small): 20 students log in at
//! once, hold their desktops' events sockets and lists, 10 keep a console streaming for 10 s;
//! every byte of every console arrives in order, every state change reaches its desktop, and
//! nothing fails. The figures themselves are the bench's (`--bench classroom`).

use std::time::Duration;

use testkit::bench::classroom::{self, Size};

#[tokio::test]
async fn a_small_classroom_gets_every_byte_and_every_event() {
    let size = Size {
        students: 20,
        consoles: 10,
        secs: 10,
        rate: 2_000_000,
    };
    let report = classroom::run(size).await;
    print!("{}", report.summary());
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.logins.len(), size.students, "everyone is in");
    assert_eq!(
        report.fanout.len(),
        2 * size.students,
        "each suspend and resume reached its desktop"
    );
    assert_eq!(report.console_bytes.len(), size.consoles);
    // Checked in order as they came; a console that streamed less than a tenth of its rate
    // was starved.
    let least = size.rate as u64 * size.secs / 10;
    for bytes in &report.console_bytes {
        assert!(*bytes >= least, "a console moved only {bytes} bytes");
    }
    assert!(report.lists.len() >= size.students, "every desktop listed");
    assert!(report.lesson >= Duration::from_secs(size.secs));
}
