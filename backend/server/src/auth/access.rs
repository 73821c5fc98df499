//! Who may call a route: the access level each route of the API declares, checked by the
//! session middleware.

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login, health).
    Public,
    /// Any logged-in user.
    User,
    /// Administrators only.
    Admin,
}
