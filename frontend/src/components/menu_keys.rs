//! Keyboard focus: in menus (`role="menu"`) the first item takes the focus when the menu opens,
//! the arrow keys, Home and End move among the items and Escape closes the menu; and moving
//! the focus to an element on request (a window brought to the front by the keyboard).

use leptos::{html::Ul, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// Moves the focus within the menu that got `ev`, or closes it on Escape.
pub fn on_menu_key(ev: &KeyboardEvent, close: impl Fn()) {
    let Some(menu) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
    else {
        return;
    };
    let items = menu_items(&menu);
    if items.is_empty() {
        return;
    }
    let focused = document().active_element();
    let here = items
        .iter()
        .position(|item| Some(item.unchecked_ref::<Element>()) == focused.as_ref());
    let last = items.len() - 1;
    let next = match ev.key().as_str() {
        "ArrowDown" => here.map_or(0, |i| if i == last { 0 } else { i + 1 }),
        "ArrowUp" => here.map_or(last, |i| if i == 0 { last } else { i - 1 }),
        "Home" => 0,
        "End" => last,
        "Escape" => {
            ev.prevent_default();
            return close();
        }
        _ => return,
    };
    ev.prevent_default();
    let _ = items[next].focus();
}

/// Focuses the first item of `menu` once it is in the page.
pub fn focus_first_item(menu: NodeRef<Ul>) {
    Effect::new(move || {
        if let Some(first) = menu.get().and_then(|m| menu_items(&m).into_iter().next()) {
            let _ = first.focus();
        }
    });
}

fn menu_items(menu: &Element) -> Vec<HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role='menuitem']") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Puts the keyboard focus on the element `css`, if it is in the page.
pub fn focus(css: &str) {
    if let Some(el) = document()
        .query_selector(css)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
