//! The rule for names of VMs, templates and hosts.

/// Why a name is refused, if it is: 1-63 letters, digits, `-`, `_` or `.`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("a name is 1-63 letters, digits, '-', '_' or '.'".into())
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_are_plain() {
        for ok in ["web1", "a", "db_2.prod-x", &"x".repeat(63)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "a'/><devices>", "ü", "a/b", &"x".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
