//! Test-driver hosts generated on the fly, for the benchmarks' large pools (the integration
//! tests use the fixtures in `tests/fixtures/`).

use std::{fmt::Write as _, path::Path};

/// Writes one test-driver host file per entry of `domains` (that many running domains each)
/// into `dir`; returns their names (`one1`, `one2`...) and `test://` URIs.
pub fn hosts(dir: &Path, domains: &[usize]) -> Vec<(String, String)> {
    domains
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let file = dir.join(format!("host{i}.xml"));
            std::fs::write(&file, host_xml(i, *n)).unwrap();
            (
                format!("one{}", i + 1),
                format!("test://{}", file.display()),
            )
        })
        .collect()
}

/// A test-driver host with `n` running domains, owned by nobody (admins see them all).
fn host_xml(host: usize, n: usize) -> String {
    let mut xml = String::from(
        "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>64</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>64</cores><threads>1</threads></cpu><memory>268435456</memory>",
    );
    for i in 0..n {
        let _ = write!(
            xml,
            "<domain type='test'><name>vm-{host}-{i:04}</name><memory unit='MiB'>64</memory>\
             <vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        );
    }
    xml.push_str("</node>");
    xml
}
