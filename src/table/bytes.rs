//! Appending short byte strings without a variable-length copy.
//!
//! A field or an id is a few bytes long. A copy of a length known only at run
//! time compiles to WebAssembly's `memory.copy`, which V8 runs as a call out of
//! the compiled code: for a handful of bytes the call costs more than the copy.
//! Copies of a fixed size compile to plain loads and stores.

/// Appends `src` to `dst`, as `extend_from_slice` does. Up to 16 bytes go as
/// fixed-size loads and stores when `dst` has room for 16 more; the rest as a
/// plain copy (so `dst` never grows past what it was asked to hold).
#[inline(always)]
pub(crate) fn push_short(dst: &mut Vec<u8>, src: &[u8]) {
    let n = src.len();
    if n > 16 || dst.capacity() - dst.len() < 16 {
        dst.extend_from_slice(src);
        return;
    }
    // Two overlapping words cover lengths from one word to two.
    let mut block = [0u8; 16];
    if n >= 8 {
        block[..8].copy_from_slice(&src[..8]);
        block[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        block[..4].copy_from_slice(&src[..4]);
        block[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        block[0] = src[0];
        block[n / 2] = src[n / 2];
        block[n - 1] = src[n - 1];
    }
    let at = dst.len();
    dst.extend_from_slice(&block);
    dst.truncate(at + n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_appends_exactly_its_bytes_with_or_without_room() {
        let src: Vec<u8> = (1..=40).collect();
        for room in [0, 15, 16, 64] {
            for n in 0..=src.len() {
                let mut dst = Vec::with_capacity(3 + room);
                dst.extend_from_slice(b"abc");
                push_short(&mut dst, &src[..n]);
                assert_eq!(&dst[..3], b"abc");
                assert_eq!(&dst[3..], &src[..n], "length {n}, room {room}");
            }
        }
    }

    #[test]
    fn it_never_grows_the_buffer_past_an_exact_reservation() {
        let mut dst = Vec::with_capacity(10);
        push_short(&mut dst, b"0123456789");
        assert_eq!(dst, b"0123456789");
        assert_eq!(dst.capacity(), 10);
    }
}
