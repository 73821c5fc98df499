//! Reading big-endian fields from the bytes received so far, telling "not here yet" apart
//! from "wrong".

use super::Error;

/// Why a parse stopped.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// The message is not complete yet: wait for more bytes, then parse it again.
    More,
    /// The stream is bad: the connection cannot go on.
    Bad(Error),
}

impl From<Error> for Stop {
    fn from(error: Error) -> Self {
        Self::Bad(error)
    }
}

/// The result of a parse step.
pub(super) type Step<T> = Result<T, Stop>;

/// Shorthand for a protocol error as a [`Stop`].
pub(super) fn bad<T>(what: &'static str) -> Step<T> {
    Err(Stop::Bad(Error::Protocol(what)))
}

/// A cursor over received bytes; nothing is consumed until the caller commits `pos`.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// The next `n` bytes, or [`Stop::More`] when they have not all arrived.
    pub fn take(&mut self, n: usize) -> Step<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Stop::More)?;
        let bytes = self.bytes.get(self.pos..end).ok_or(Stop::More)?;
        self.pos = end;
        Ok(bytes)
    }

    pub fn array<const N: usize>(&mut self) -> Step<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Step<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Step<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub fn u32(&mut self) -> Step<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub fn i32(&mut self) -> Step<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    /// A u32 length then that many bytes, refused when longer than `limit`.
    pub fn string(&mut self, limit: usize, what: &'static str) -> Step<&'a [u8]> {
        let len = self.u32()? as usize;
        if len > limit {
            return bad(what);
        }
        self.take(len)
    }
}

/// Latin-1 (what RFB's strings are) to a Rust string.
pub(super) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}
