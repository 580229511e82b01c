//! One binary WebSocket message of the ticker → its packets.
//!
//! A message is big-endian: a `u16` packet count N, then N times a `u16` length L and L bytes of
//! packet. A message shorter than two bytes is a heartbeat (Kite sends a 1-byte one about every
//! second on an idle connection) and carries nothing.
//!
//! [`Frame::parse`] walks the lengths once and refuses a message whose packets run past its end
//! (a truncated or garbled message: nothing in it can be trusted, and the error says where it
//! broke). Iterating the frame then decodes each packet; a packet of a length Kite does not send
//! is an error for that packet only, and the others still decode. Bytes after the last declared
//! packet are not read and are reported by [`Frame::trailing`], for the feed's counters. Nothing
//! here allocates.

use super::packet::{KiteTick, PacketError};

/// Why a binary message could not be split into packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A packet's 2-byte length, or the packet itself, runs past the end of the message.
    #[error(
        "the ticker message is cut short: packet {index} of {count} needs {needed} bytes at \
         offset {offset}, but the message has {len}"
    )]
    Truncated {
        /// Packets the message declares.
        count: u16,
        /// 1-based number of the packet that does not fit.
        index: u16,
        /// Where that packet (or its length) starts.
        offset: usize,
        /// Bytes it needs from `offset` on.
        needed: usize,
        /// The message's length.
        len: usize,
    },
}

/// Writes one binary message carrying `ticks` (at most 65 535 of them; more are left out) into
/// `out`, replacing what it held: the sandbox's ticker sends these.
pub fn write_message(ticks: &[KiteTick], out: &mut Vec<u8>) {
    out.clear();
    let ticks = &ticks[..ticks.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(ticks.len() as u16).to_be_bytes());
    for tick in ticks {
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        tick.encode(out);
        let len = (out.len() - at - 2) as u16;
        out[at..at + 2].copy_from_slice(&len.to_be_bytes());
    }
}

/// A checked binary message; iterate it for its ticks.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    bytes: &'a [u8],
    count: u16,
    /// Where the declared packets end.
    end: usize,
}

impl<'a> Frame<'a> {
    /// Checks `message`'s packet lengths against its size. A heartbeat is a frame of no packets.
    pub fn parse(message: &'a [u8]) -> Result<Frame<'a>, FrameError> {
        if message.len() < 2 {
            return Ok(Frame {
                bytes: message,
                count: 0,
                end: message.len(),
            });
        }
        let count = u16::from_be_bytes([message[0], message[1]]);
        let mut at = 2;
        for index in 1..=count {
            let cut = |needed| FrameError::Truncated {
                count,
                index,
                offset: at,
                needed,
                len: message.len(),
            };
            let Some(head) = message.get(at..at + 2) else {
                return Err(cut(2));
            };
            let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
            if message.len() < at + 2 + len {
                return Err(cut(2 + len));
            }
            at += 2 + len;
        }
        Ok(Frame {
            bytes: message,
            count,
            end: at,
        })
    }

    /// Whether the message is a heartbeat (shorter than two bytes).
    pub fn is_heartbeat(&self) -> bool {
        self.bytes.len() < 2
    }

    /// Packets the message carries.
    pub fn count(&self) -> u16 {
        self.count
    }

    /// Bytes after the last declared packet (zero in every message Kite is known to send).
    pub fn trailing(&self) -> usize {
        self.bytes.len() - self.end
    }

    /// The packets' bytes, in order, each without its length prefix.
    pub fn packets(&self) -> Packets<'a> {
        Packets {
            bytes: self.bytes,
            at: 2,
            left: self.count,
        }
    }
}

impl<'a> IntoIterator for Frame<'a> {
    type Item = Result<KiteTick, PacketError>;
    type IntoIter = Ticks<'a>;

    fn into_iter(self) -> Ticks<'a> {
        Ticks(self.packets())
    }
}

/// The raw packets of a [`Frame`].
#[derive(Clone, Debug)]
pub struct Packets<'a> {
    bytes: &'a [u8],
    at: usize,
    left: u16,
}

impl<'a> Iterator for Packets<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // `Frame::parse` checked every length against the message, so these slices exist.
        let head = self.bytes.get(self.at..self.at + 2)?;
        let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
        let packet = self.bytes.get(self.at + 2..self.at + 2 + len)?;
        self.at += 2 + len;
        Some(packet)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::from(self.left);
        (left, Some(left))
    }
}

/// The decoded packets of a [`Frame`].
#[derive(Clone, Debug)]
pub struct Ticks<'a>(Packets<'a>);

impl Iterator for Ticks<'_> {
    type Item = Result<KiteTick, PacketError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(KiteTick::decode)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeats_carry_nothing() {
        for message in [&[][..], &[0u8][..]] {
            let frame = Frame::parse(message).unwrap();
            assert!(frame.is_heartbeat());
            assert_eq!(frame.into_iter().count(), 0);
        }
    }

    #[test]
    fn a_cut_message_says_where() {
        // Two packets declared; the second's 8 bytes are missing.
        let mut message = vec![0, 2, 0, 8];
        message.extend_from_slice(&[0, 0, 1, 1, 0, 0, 0, 5]);
        message.extend_from_slice(&[0, 8, 0, 0]);
        let err = Frame::parse(&message).unwrap_err();
        assert_eq!(
            err,
            FrameError::Truncated {
                count: 2,
                index: 2,
                offset: 12,
                needed: 10,
                len: 16
            }
        );
        assert!(err.to_string().contains("packet 2 of 2"), "{err}");
    }

    #[test]
    fn an_unknown_packet_spoils_only_itself() {
        let mut message = vec![0, 3];
        for len in [8u16, 5, 8] {
            message.extend_from_slice(&len.to_be_bytes());
            message.extend(std::iter::repeat_n(1u8, usize::from(len)));
        }
        message.push(9);
        let frame = Frame::parse(&message).unwrap();
        assert_eq!(frame.trailing(), 1);
        let results: Vec<_> = frame.into_iter().collect();
        assert!(results[0].is_ok() && results[2].is_ok());
        assert_eq!(results[1], Err(PacketError::UnknownLength { len: 5 }));
    }
}
