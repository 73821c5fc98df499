//! A FramebufferUpdate, rectangle by rectangle: checks each against the framebuffer and
//! hands it to its encoding's decoder, or handles the pseudo-encodings.

use super::hextile::Hextile;
use super::messages::*;
use super::reader::{Reader, Step, bad};
use super::tight::Tight;
use super::zrle::Zrle;
use super::{Limits, Op, Rect, copyrect, cursor, raw};

/// What outlives one rectangle: the framebuffer's size, the zlib streams, what the server
/// has said it supports.
#[derive(Default)]
pub(super) struct Decoders {
    pub width: u16,
    pub height: u16,
    /// The server takes QEMU Extended Key Events.
    pub qemu_keys: bool,
    zrle: Zrle,
    tight: Tight,
}

impl Decoders {
    pub fn resize(&mut self, width: u16, height: u16) {
        self.width = width;
        self.height = height;
    }

    /// Refuses a rectangle that reaches outside the framebuffer.
    pub fn check(&self, rect: Rect) -> Step<()> {
        let right = u32::from(rect.x) + u32::from(rect.width);
        let bottom = u32::from(rect.y) + u32::from(rect.height);
        if right > u32::from(self.width) || bottom > u32::from(self.height) {
            return bad("rectangle outside the framebuffer");
        }
        Ok(())
    }
}

/// Progress through one FramebufferUpdate.
pub(super) struct Update {
    remaining: u16,
    /// A Hextile rectangle is decoded tile by tile, as its bytes arrive.
    hextile: Option<Hextile>,
}

impl Update {
    pub fn new(rects: u16) -> Self {
        Self {
            remaining: rects,
            hextile: None,
        }
    }

    /// Decodes one rectangle (or one Hextile tile); `true` when the update is over.
    pub fn step(
        &mut self,
        r: &mut Reader,
        d: &mut Decoders,
        limits: &Limits,
        ops: &mut Vec<Op>,
    ) -> Step<bool> {
        if let Some(hextile) = &mut self.hextile {
            if !hextile.step(r, ops)? {
                return Ok(false);
            }
            self.hextile = None;
            self.remaining -= 1;
        } else if self.remaining > 0 {
            let rect = Rect {
                x: r.u16()?,
                y: r.u16()?,
                width: r.u16()?,
                height: r.u16()?,
            };
            if self.rect(r, rect, d, limits, ops)? {
                self.remaining = 0;
            } else if self.hextile.is_none() {
                self.remaining -= 1;
            }
        }
        Ok(self.remaining == 0)
    }

    /// Decodes a rectangle's body; `true` for LastRect.
    fn rect(
        &mut self,
        r: &mut Reader,
        rect: Rect,
        d: &mut Decoders,
        limits: &Limits,
        ops: &mut Vec<Op>,
    ) -> Step<bool> {
        let encoding = r.i32()?;
        match encoding {
            RAW | COPY_RECT | HEXTILE | TIGHT | ZRLE => d.check(rect)?,
            _ => {}
        }
        match encoding {
            RAW => ops.push(raw::decode(r, rect)?),
            COPY_RECT => ops.push(copyrect::decode(r, rect, d)?),
            HEXTILE => self.hextile = Hextile::new(rect),
            TIGHT => d.tight.decode(r, rect, ops)?,
            ZRLE => d.zrle.decode(r, rect, ops)?,
            DESKTOP_SIZE => resize(d, limits, rect.width, rect.height, ops)?,
            EXTENDED_DESKTOP_SIZE => {
                let screens = usize::from(r.u8()?);
                r.take(3 + 16 * screens)?;
                // y is the status: non-zero answers a resize of ours that failed.
                if rect.y == 0 {
                    resize(d, limits, rect.width, rect.height, ops)?;
                }
            }
            CURSOR => ops.push(cursor::decode(r, rect)?),
            LAST_RECT => return Ok(true),
            QEMU_EXTENDED_KEY => d.qemu_keys = true,
            QEMU_LED_STATE => {
                let leds = r.u8()?;
                ops.push(Op::Leds {
                    scroll_lock: leds & 1 != 0,
                    num_lock: leds & 2 != 0,
                    caps_lock: leds & 4 != 0,
                });
            }
            _ => return bad("unknown encoding"),
        }
        Ok(false)
    }
}

fn resize(d: &mut Decoders, limits: &Limits, w: u16, h: u16, ops: &mut Vec<Op>) -> Step<()> {
    limits.check_size(w, h)?;
    d.resize(w, h);
    ops.push(Op::Resize {
        width: w,
        height: h,
    });
    Ok(())
}
