//! A response body gathered chunk by chunk under a size limit, without copying when the body
//! arrives as one chunk (the usual case for a small or `content-length` response on a kept-alive
//! connection): that chunk is kept as it is, and only a second chunk starts a copy.

use bytes::{Bytes, BytesMut};

/// The chunks read so far, at most `limit` bytes of them.
#[derive(Debug)]
pub(crate) struct BodyBuffer {
    limit: usize,
    state: State,
}

#[derive(Debug)]
enum State {
    Empty,
    /// One chunk, kept as received.
    One(Bytes),
    /// More than one chunk, copied together.
    Many(BytesMut),
}

/// The body went past the limit; the buffer holds its first `limit` bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooLarge;

impl BodyBuffer {
    /// An empty buffer for at most `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            state: State::Empty,
        }
    }

    /// Bytes held.
    pub(crate) fn len(&self) -> usize {
        match &self.state {
            State::Empty => 0,
            State::One(chunk) => chunk.len(),
            State::Many(buf) => buf.len(),
        }
    }

    /// Adds `chunk`, or as much of it as fits and [`TooLarge`]. `size_hint` (the
    /// `content-length`, if any) sizes the copy once a second chunk makes one necessary.
    pub(crate) fn push(&mut self, mut chunk: Bytes, size_hint: usize) -> Result<(), TooLarge> {
        let room = self.limit - self.len();
        let too_large = chunk.len() > room;
        if too_large {
            chunk.truncate(room);
        }
        self.state = match std::mem::replace(&mut self.state, State::Empty) {
            State::Empty => State::One(chunk),
            State::One(first) => {
                let capacity = size_hint.clamp(first.len() + chunk.len(), self.limit);
                let mut buf = BytesMut::with_capacity(capacity.min(64 * 1024));
                buf.extend_from_slice(&first);
                buf.extend_from_slice(&chunk);
                State::Many(buf)
            }
            State::Many(mut buf) => {
                buf.extend_from_slice(&chunk);
                State::Many(buf)
            }
        };
        if too_large { Err(TooLarge) } else { Ok(()) }
    }

    /// The body read so far.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self.state {
            State::Empty => Bytes::new(),
            State::One(chunk) => chunk,
            State::Many(buf) => buf.freeze(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_without_a_copy() {
        let chunk = Bytes::from_static(b"{\"code\":0}");
        let mut buffer = BodyBuffer::new(1024);
        buffer.push(chunk.clone(), 10).unwrap();
        let body = buffer.into_bytes();
        assert_eq!(body, chunk);
        assert_eq!(body.as_ptr(), chunk.as_ptr(), "the same memory, not a copy");
    }

    #[test]
    fn chunks_are_joined_in_order() {
        let mut buffer = BodyBuffer::new(1024);
        for part in ["{\"co", "de\":", "0}"] {
            buffer.push(Bytes::from(part), 0).unwrap();
        }
        assert_eq!(buffer.len(), 10);
        assert_eq!(buffer.into_bytes(), "{\"code\":0}");
        assert_eq!(BodyBuffer::new(8).into_bytes(), "");
    }

    #[test]
    fn never_more_than_the_limit() {
        let mut buffer = BodyBuffer::new(5);
        assert_eq!(buffer.push(Bytes::from("abcdefgh"), 8), Err(TooLarge));
        assert_eq!(buffer.into_bytes(), "abcde");
        let mut buffer = BodyBuffer::new(5);
        buffer.push(Bytes::from("abc"), 0).unwrap();
        assert_eq!(buffer.push(Bytes::from("def"), 0), Err(TooLarge));
        assert_eq!(buffer.into_bytes(), "abcde");
        let mut buffer = BodyBuffer::new(5);
        buffer.push(Bytes::from("ab"), 0).unwrap();
        buffer.push(Bytes::from("cde"), 0).unwrap();
        assert_eq!(buffer.push(Bytes::from("f"), 0), Err(TooLarge));
        assert_eq!(buffer.into_bytes(), "abcde");
    }
}
