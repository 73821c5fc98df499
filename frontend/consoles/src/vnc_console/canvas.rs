//! Applies the RFB client's drawing operations to a canvas. The decode benchmark compiles this
//! file unchanged (`tests/decode-bench/`), so it uses only `rfb`, `web-sys`, `js-sys` and
//! `wasm-bindgen(-futures)`, nothing of the app's.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageData,
};

use rfb::{Op, Rect};

/// Draws `op` on `canvas`. Ops that are not drawing (the name, LEDs, the bell, cut text) are
/// for the caller.
pub fn draw(canvas: &HtmlCanvasElement, op: Op) {
    let Some(ctx) = context(canvas) else { return };
    match op {
        Op::Resize { width, height } => {
            canvas.set_width(u32::from(width));
            canvas.set_height(u32::from(height));
        }
        Op::Fill {
            rect,
            rgba: [r, g, b, a],
        } => {
            ctx.set_fill_style_str(&format!("rgba({r},{g},{b},{})", f64::from(a) / 255.0));
            ctx.fill_rect(
                f64::from(rect.x),
                f64::from(rect.y),
                f64::from(rect.width),
                f64::from(rect.height),
            );
        }
        Op::Pixels { rect, rgba } => {
            if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&rgba),
                u32::from(rect.width),
                u32::from(rect.height),
            ) {
                let _ = ctx.put_image_data(&image, f64::from(rect.x), f64::from(rect.y));
            }
        }
        Op::Copy { rect, src_x, src_y } => {
            let (w, h) = (f64::from(rect.width), f64::from(rect.height));
            let _ = ctx
                .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    canvas,
                    f64::from(src_x),
                    f64::from(src_y),
                    w,
                    h,
                    f64::from(rect.x),
                    f64::from(rect.y),
                    w,
                    h,
                );
        }
        Op::Jpeg { rect, bytes } => draw_jpeg(ctx, rect, &bytes),
        _ => {}
    }
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Has the browser decode the JPEG, then draws it at `rect`.
fn draw_jpeg(ctx: CanvasRenderingContext2d, rect: Rect, bytes: &[u8]) {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(decoding) = window.create_image_bitmap_with_blob(&blob) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(bitmap) = wasm_bindgen_futures::JsFuture::from(decoding).await else {
            return;
        };
        if let Ok(bitmap) = bitmap.dyn_into::<ImageBitmap>() {
            let _ = ctx.draw_image_with_image_bitmap(&bitmap, f64::from(rect.x), f64::from(rect.y));
        }
    });
}
