//! Screenshots of what Chromium shows, and comparisons of their regions: the pixels a user
//! sees, not the DOM's idea of them. For example, the part of a front window that covers
//! another must be the same, pixel for pixel, with and without the window behind it.

use std::time::Duration;

use fantoccini::elements::Element;
use image::RgbaImage;

use crate::{browser::Browser, eventually};

/// A rectangle of the viewport, in screenshot pixels (CSS pixels: tests run at a device pixel
/// ratio of 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Region {
    /// Where `el` shows, shrunk by `inset` pixels on every side (off rounded edges and
    /// shadows), and clipped to the viewport's `width` x `height`.
    pub async fn of(el: &Element, inset: u32) -> Region {
        let (x, y, w, h) = el.rectangle().await.expect("element's place");
        let (x, y) = (x.max(0.0).ceil() as u32, y.max(0.0).ceil() as u32);
        Region {
            x: x + inset,
            y: y + inset,
            w: (w.floor() as u32).saturating_sub(2 * inset),
            h: (h.floor() as u32).saturating_sub(2 * inset),
        }
    }

    /// This region, less whatever lies outside `image`.
    fn within(self, image: &RgbaImage) -> Region {
        let w = self.w.min(image.width().saturating_sub(self.x));
        let h = self.h.min(image.height().saturating_sub(self.y));
        Region { w, h, ..self }
    }

    /// The part of this region that lies below `y` (a window's body under its title bar).
    pub fn below(self, y: u32) -> Region {
        let top = self.y.max(y);
        Region {
            y: top,
            h: (self.y + self.h).saturating_sub(top),
            ..self
        }
    }
}

/// What the page shows now.
pub async fn take(browser: &Browser) -> RgbaImage {
    let png = browser.client.screenshot().await.expect("a screenshot");
    image::load_from_memory(&png)
        .expect("a PNG screenshot")
        .to_rgba8()
}

/// How many pixels of `region` differ between `a` and `b`.
pub fn differing_pixels(a: &RgbaImage, b: &RgbaImage, region: Region) -> usize {
    let region = region.within(a).within(b);
    (region.y..region.y + region.h)
        .flat_map(|y| (region.x..region.x + region.w).map(move |x| (x, y)))
        .filter(|&(x, y)| a.get_pixel(x, y) != b.get_pixel(x, y))
        .count()
}

/// The mean brightness (0–255, Rec. 601 luma) of `region` of `image`.
pub fn mean_luma(image: &RgbaImage, region: Region) -> f64 {
    let region = region.within(image);
    let pixels = (region.y..region.y + region.h)
        .flat_map(|y| (region.x..region.x + region.w).map(move |x| (x, y)));
    let (sum, n) = pixels.fold((0.0, 0usize), |(sum, n), (x, y)| {
        let [r, g, b, _] = image.get_pixel(x, y).0;
        let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
        (sum + luma, n + 1)
    });
    sum / n.max(1) as f64
}

/// A screenshot taken once the page has stopped changing in `region` (two shots in a row the
/// same): live content (a screen, a clock) settled before it is compared.
pub async fn settled(browser: &Browser, region: Region) -> RgbaImage {
    let last = std::sync::Mutex::new(take(browser).await);
    let last = &last;
    eventually(
        "the page to stop changing",
        Duration::from_secs(20),
        || async move {
            let now = take(browser).await;
            let mut last = last.lock().unwrap();
            if differing_pixels(&last, &now, region) == 0 {
                Some(now)
            } else {
                *last = now;
                None
            }
        },
    )
    .await
}
