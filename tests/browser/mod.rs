//! The desktop in real headless Chromium.

mod accounts;
mod consoles;
mod desktop;
mod first_use;
mod hosts;
mod images;
mod keyboard;
mod monitoring;
mod placement;
mod reconnect;
mod settings;
mod stacking;
mod sync;
mod templates;
mod tokens;
mod vms;
mod vnc_input;
mod widgets;
mod windows;

use fantoccini::{
    actions::{
        InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MOUSE_BUTTON_RIGHT, MouseActions,
        PointerAction,
    },
    elements::Element,
};

use testkit::browser::Browser;

/// A mouse that starts on `el` and then does `steps`.
fn mouse_on(el: &Element, steps: impl IntoIterator<Item = PointerAction>) -> MouseActions {
    let start = PointerAction::MoveToElement {
        element: el.clone(),
        duration: None,
        x: 0.0,
        y: 0.0,
    };
    std::iter::once(start)
        .chain(steps)
        .fold(MouseActions::new("mouse".into()), |mouse, step| {
            mouse.then(step)
        })
}

const DOWN: PointerAction = PointerAction::Down {
    button: MOUSE_BUTTON_LEFT,
};
const UP: PointerAction = PointerAction::Up {
    button: MOUSE_BUTTON_LEFT,
};

/// A real double-click on `el`, as a mouse would do it.
pub async fn double_click(browser: &Browser, el: &Element) {
    let mouse = mouse_on(el, [DOWN, UP, DOWN, UP]);
    browser
        .client
        .perform_actions(mouse)
        .await
        .expect("double-click");
}

/// Opens an app from its desktop icon, as a user does: a double-click.
pub async fn open_app(browser: &Browser, slug: &str) {
    let icon = browser
        .find(&format!(".desktop-icon[data-app='{slug}']"))
        .await;
    double_click(browser, &icon).await;
}

/// A right-click on `el` (the context menu).
pub async fn right_click(browser: &Browser, el: &Element) {
    let right = |down| {
        if down {
            PointerAction::Down {
                button: MOUSE_BUTTON_RIGHT,
            }
        } else {
            PointerAction::Up {
                button: MOUSE_BUTTON_RIGHT,
            }
        }
    };
    let mouse = mouse_on(el, [right(true), right(false)]);
    browser
        .client
        .perform_actions(mouse)
        .await
        .expect("right-click");
}

/// Presses the mouse on `el`, moves by (`dx`, `dy`) in two steps and releases.
pub async fn drag_by(browser: &Browser, el: &Element, dx: f64, dy: f64) {
    let half = || PointerAction::MoveBy {
        duration: None,
        x: dx / 2.0,
        y: dy / 2.0,
    };
    let mouse = mouse_on(el, [DOWN, half(), half(), UP]);
    browser.client.perform_actions(mouse).await.expect("drag");
}

/// Presses the mouse on the middle of `el`, moves to (`x`, `y`) in the viewport and releases.
pub async fn drag_to(browser: &Browser, el: &Element, x: f64, y: f64) {
    let (left, top, width, height) = el.rectangle().await.expect("element's place");
    let (cx, cy) = (left + width / 2.0, top + height / 2.0);
    drag_by(browser, el, (x - cx).round(), (y - cy).round()).await;
}

/// Alt+`, the window manager's shortcut, pressed and released.
pub async fn alt_backquote(browser: &Browser) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: '\u{E00A}' })
        .then(KeyAction::Down { value: '`' })
        .then(KeyAction::Up { value: '`' })
        .then(KeyAction::Up { value: '\u{E00A}' });
    browser.client.perform_actions(keys).await.expect("Alt+`");
}
