//! zlib inflation with a ceiling: a rectangle's compressed data may only yield what the
//! rectangle can need, so a zlib bomb stops at that size.

use flate2::{Decompress, FlushDecompress, Status};

use super::reader::{Step, bad};

/// Output is grown this much at a time, so a lie about size costs little before it shows.
const CHUNK: usize = 64 * 1024;

/// Inflates all of `input` through the persistent `stream`; refuses output beyond `cap`.
pub(super) fn inflate(stream: &mut Decompress, input: &[u8], cap: usize) -> Step<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        if out.len() == out.capacity() {
            out.reserve_exact(CHUNK.min(cap + 1 - out.len()));
        }
        let (before_in, before_out) = (stream.total_in(), stream.total_out());
        let Ok(status) = stream.decompress_vec(&input[pos..], &mut out, FlushDecompress::Sync)
        else {
            return bad("bad zlib data");
        };
        let read = usize::try_from(stream.total_in() - before_in).unwrap_or(usize::MAX);
        pos = pos.saturating_add(read).min(input.len());
        if out.len() > cap {
            return bad("zlib data larger than its rectangle");
        }
        let progressed = read > 0 || stream.total_out() > before_out;
        if status == Status::StreamEnd || !progressed {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::Deflater;
    use super::*;

    #[test]
    fn keeps_the_stream_across_calls_and_caps_output() {
        let mut deflater = Deflater::default();
        let mut stream = Decompress::new(true);
        let first = deflater.chunk(&[7; 1000]);
        assert_eq!(inflate(&mut stream, &first, 1000), Ok(vec![7; 1000]));
        // the second chunk only makes sense with the first's dictionary
        let second = deflater.chunk(&[7; 1000]);
        assert_eq!(inflate(&mut stream, &second, 1000), Ok(vec![7; 1000]));
        let bomb = deflater.chunk(&vec![0; 1 << 20]);
        assert!(bomb.len() < 2000);
        assert!(inflate(&mut stream, &bomb, 1000).is_err());
        assert!(inflate(&mut Decompress::new(true), &[1, 2, 3, 4], 10).is_err());
    }
}
