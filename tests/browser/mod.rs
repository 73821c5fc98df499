//! The desktop in real headless Chromium.

mod accounts;
mod desktop;
mod vms;

use fantoccini::{
    actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction},
    elements::Element,
};

use crate::support::browser::Browser;

/// A real double-click on `el`, as a mouse would do it.
pub async fn double_click(browser: &Browser, el: &Element) {
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: el.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser
        .client
        .perform_actions(mouse)
        .await
        .expect("double-click");
}

/// Presses the mouse on `el`, moves by (`dx`, `dy`) and releases.
pub async fn drag_by(browser: &Browser, el: &Element, dx: f64, dy: f64) {
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: el.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: dx / 2.0,
            y: dy / 2.0,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: dx / 2.0,
            y: dy / 2.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(mouse).await.expect("drag");
}
