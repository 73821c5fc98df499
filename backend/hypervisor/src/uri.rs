//! Which libvirt URIs a host added at runtime may have, read as URLs (IPv6 hosts in brackets,
//! percent-encoded parts decoded as libvirt decodes them).

use url::Url;

/// Schemes a host added at runtime may use: local or remote QEMU, and the test driver.
/// Others (`qemu+ext` runs a program the URI names, `qemu+unix` any socket) are refused.
pub const URI_SCHEMES: &[&str] = &["qemu", "qemu+ssh", "qemu+tls", "qemu+tcp", "test"];
/// Query parameters such a URI may carry (SSH's key and known-hosts files, and how it
/// checks them); `command`, `netcat`, `socket` and the like, which name a program or a
/// socket, are refused, however they are spelled.
pub const URI_PARAMETERS: &[&str] = &["keyfile", "known_hosts", "no_verify", "no_tty", "pkipath"];

/// Why `uri` is refused as a host added at runtime, if it is.
pub fn check_host_uri(uri: &str) -> Result<(), String> {
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("a host's URI has no spaces or control characters".into());
    }
    let url = Url::parse(uri).map_err(|_| format!("`{uri}` is not a libvirt URI"))?;
    if !URI_SCHEMES.contains(&url.scheme()) || !uri.contains("://") {
        return Err(format!(
            "a host's URI starts with one of {}",
            URI_SCHEMES.join(", ")
        ));
    }
    // Names decoded: libvirt unescapes them too, so `%63ommand` is `command`.
    if let Some((name, _)) = url
        .query_pairs()
        .find(|(name, _)| !URI_PARAMETERS.contains(&name.as_ref()))
    {
        return Err(format!(
            "a host's URI may carry only {} (not {name})",
            URI_PARAMETERS.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_host_uri;

    #[test]
    fn only_listed_schemes_and_parameters_pass() {
        for ok in [
            "qemu:///system",
            "test:///default",
            "qemu+ssh://root@h/system?keyfile=/k&known_hosts=/kh",
            "qemu+ssh://root@[::1]:2222/system?keyfile=/k/my%20id&no_verify=1",
            "qemu+tls://[2001:db8::7]/system",
            "qemu+ssh://h/system?%6Beyfile=/k",
        ] {
            assert!(check_host_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "qemu+ext:///system?command=/bin/sh",
            "qemu+ssh://h/system?netcat=/tmp/x",
            "qemu+unix:///system?socket=/tmp/s",
            "qemu+ssh://h/system?command=x",
            "qemu+ssh://h/system?%63ommand=x",
            "qemu+ssh://h/system?keyfile=/k&socket=/s",
            "qemu+ssh://[::1/system",
            "qemu+ssh://h/sys tem",
            "qemu:system",
            "nouri",
        ] {
            assert!(check_host_uri(bad).is_err(), "{bad}");
        }
    }
}
