//! One KiteTicker packet → a [`KiteTick`] of integers, exactly as the exchange sent them.
//!
//! A packet's length says its shape (Kite's published layout; offsets in bytes, every field a
//! big-endian 32-bit integer unless noted):
//!
//! | length | shape | fields |
//! | ---: | --- | --- |
//! | 8 | LTP | 0 token, 4 last price |
//! | 28 | index quote | 0 token, 4 last price, 8 **high**, 12 **low**, 16 **open**, 20 close, 24 change |
//! | 32 | index full | the index quote, then 28 exchange time (Unix s) |
//! | 44 | quote | 0 token, 4 last price, 8 last traded qty, 12 average price, 16 volume, 20 total buy qty, 24 total sell qty, 28 open, 32 high, 36 low, 40 close |
//! | 184 | full | the quote, then 44 last trade time, 48 OI, 52 OI day high, 56 OI day low, 60 exchange time, 64.. ten depth levels of 12 bytes (qty, price, orders as **u16**, 2 pad bytes): five bids then five asks |
//!
//! Prices stay the integers Kite sent, in the segment's minimal units ([`Segment::price_decimals`]:
//! hundredths for equities, F&O and commodities; 10⁻⁷ for NSE currency, 10⁻⁴ for BSE currency):
//! no float ever touches them. [`KiteTick::engine_price`] turns one into the engine's
//! fixed-point [`Price`] exactly, or says it cannot. Decoding never allocates.

use rust_decimal::Decimal;
use sharewise_engine::types::{Price, PRICE_SCALE};

/// The exchange segment: the low byte of an instrument token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segment(pub u8);

impl Segment {
    /// NSE equities.
    pub const NSE: Segment = Segment(1);
    /// NSE futures and options.
    pub const NFO: Segment = Segment(2);
    /// NSE currency derivatives (prices in 10⁻⁷ rupees).
    pub const CDS: Segment = Segment(3);
    /// BSE equities.
    pub const BSE: Segment = Segment(4);
    /// BSE futures and options.
    pub const BFO: Segment = Segment(5);
    /// BSE currency derivatives (prices in 10⁻⁴ rupees).
    pub const BCD: Segment = Segment(6);
    /// MCX commodities.
    pub const MCX: Segment = Segment(7);
    /// MCX-SX.
    pub const MCXSX: Segment = Segment(8);
    /// Indices: quoted, never traded.
    pub const INDICES: Segment = Segment(9);

    /// The segment of an instrument token.
    #[inline]
    pub const fn of(token: u32) -> Segment {
        Segment((token & 0xff) as u8)
    }

    /// Decimals in the segment's price integers: 7 for CDS, 4 for BCD, 2 otherwise.
    #[inline]
    pub const fn price_decimals(self) -> u32 {
        match self {
            Segment::CDS => 7,
            Segment::BCD => 4,
            _ => 2,
        }
    }

    /// Whether instruments of this segment can be traded (indices cannot).
    #[inline]
    pub const fn tradable(self) -> bool {
        self.0 != Segment::INDICES.0
    }
}

/// The packet's shape, from its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// 8 bytes: token and last price.
    Ltp,
    /// 28 bytes: an index's quote.
    IndexQuote,
    /// 32 bytes: an index's quote and the exchange time.
    IndexFull,
    /// 44 bytes: a tradable instrument's quote.
    Quote,
    /// 184 bytes: the quote, times, open interest and five levels of depth.
    Full,
}

impl Layout {
    /// The shape of a packet of `len` bytes, if Kite sends one.
    #[inline]
    pub const fn of_len(len: usize) -> Option<Layout> {
        match len {
            8 => Some(Layout::Ltp),
            28 => Some(Layout::IndexQuote),
            32 => Some(Layout::IndexFull),
            44 => Some(Layout::Quote),
            184 => Some(Layout::Full),
            _ => None,
        }
    }

    /// The subscription mode that yields this shape, as Kite names it: `ltp`, `quote`, `full`.
    pub const fn mode(self) -> &'static str {
        match self {
            Layout::Ltp => "ltp",
            Layout::IndexQuote | Layout::Quote => "quote",
            Layout::IndexFull | Layout::Full => "full",
        }
    }

    /// Whether the shape carries trade quantities, volume and buy/sell totals (quote and full).
    pub const fn has_quantities(self) -> bool {
        matches!(self, Layout::Quote | Layout::Full)
    }

    /// Whether the shape carries OHLC.
    pub const fn has_ohlc(self) -> bool {
        !matches!(self, Layout::Ltp)
    }
}

/// Open, high, low and close (the previous session's close), as price integers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ohlc {
    /// Today's open.
    pub open: u32,
    /// Today's high.
    pub high: u32,
    /// Today's low.
    pub low: u32,
    /// The previous session's close.
    pub close: u32,
}

/// One level of market depth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Level {
    /// Quantity at this price.
    pub qty: u32,
    /// Price integer.
    pub price: u32,
    /// Orders at this price.
    pub orders: u16,
}

/// Five bid levels (best first) and five ask levels (best first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    /// Bids, best first.
    pub buy: [Level; 5],
    /// Asks, best first.
    pub sell: [Level; 5],
}

/// A decoded packet. Fields the packet's [`Layout`] does not carry are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KiteTick {
    /// Kite's instrument token (its low byte is the [`Segment`]).
    pub token: u32,
    /// The packet's shape.
    pub layout: Layout,
    /// Last traded price.
    pub last_price: u32,
    /// Quantity of the last trade.
    pub last_traded_qty: u32,
    /// Volume-weighted average price of the day.
    pub average_price: u32,
    /// Quantity traded today.
    pub volume: u32,
    /// Quantity bid in total.
    pub total_buy_qty: u32,
    /// Quantity offered in total.
    pub total_sell_qty: u32,
    /// The day's OHLC and the previous close.
    pub ohlc: Ohlc,
    /// An index's change from the previous close, as sent (index packets only; may be negative).
    pub index_change: i32,
    /// Time of the last trade, Unix seconds (full only).
    pub last_trade_time: u32,
    /// Open interest (full only).
    pub oi: u32,
    /// The day's highest open interest (full only).
    pub oi_day_high: u32,
    /// The day's lowest open interest (full only).
    pub oi_day_low: u32,
    /// The exchange's time for this packet, Unix seconds (full and index full only).
    pub exchange_time: u32,
    /// Market depth (full only).
    pub depth: Depth,
}

/// Why a packet could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// Kite sends packets of 8, 28, 32, 44 or 184 bytes only.
    #[error(
        "a ticker packet of {len} bytes has no known layout (Kite sends 8, 28, 32, 44 or 184)"
    )]
    UnknownLength {
        /// The packet's length.
        len: usize,
    },
}

#[inline]
fn u32_at(p: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]])
}

#[inline]
fn u16_at(p: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([p[at], p[at + 1]])
}

impl KiteTick {
    /// Decodes one packet (without the frame's 2-byte length in front of it).
    #[inline]
    pub fn decode(packet: &[u8]) -> Result<KiteTick, PacketError> {
        let layout =
            Layout::of_len(packet.len()).ok_or(PacketError::UnknownLength { len: packet.len() })?;
        let p = packet;
        let mut tick = KiteTick {
            token: u32_at(p, 0),
            layout,
            last_price: u32_at(p, 4),
            last_traded_qty: 0,
            average_price: 0,
            volume: 0,
            total_buy_qty: 0,
            total_sell_qty: 0,
            ohlc: Ohlc::default(),
            index_change: 0,
            last_trade_time: 0,
            oi: 0,
            oi_day_high: 0,
            oi_day_low: 0,
            exchange_time: 0,
            depth: Depth::default(),
        };
        match layout {
            Layout::Ltp => {}
            Layout::IndexQuote | Layout::IndexFull => {
                tick.ohlc = Ohlc {
                    high: u32_at(p, 8),
                    low: u32_at(p, 12),
                    open: u32_at(p, 16),
                    close: u32_at(p, 20),
                };
                tick.index_change = u32_at(p, 24) as i32;
                if layout == Layout::IndexFull {
                    tick.exchange_time = u32_at(p, 28);
                }
            }
            Layout::Quote | Layout::Full => {
                tick.last_traded_qty = u32_at(p, 8);
                tick.average_price = u32_at(p, 12);
                tick.volume = u32_at(p, 16);
                tick.total_buy_qty = u32_at(p, 20);
                tick.total_sell_qty = u32_at(p, 24);
                tick.ohlc = Ohlc {
                    open: u32_at(p, 28),
                    high: u32_at(p, 32),
                    low: u32_at(p, 36),
                    close: u32_at(p, 40),
                };
                if layout == Layout::Full {
                    tick.decode_full_tail(p);
                }
            }
        }
        Ok(tick)
    }

    /// Bytes 44..184 of a full packet: times, open interest, depth.
    #[inline]
    fn decode_full_tail(&mut self, p: &[u8]) {
        self.last_trade_time = u32_at(p, 44);
        self.oi = u32_at(p, 48);
        self.oi_day_high = u32_at(p, 52);
        self.oi_day_low = u32_at(p, 56);
        self.exchange_time = u32_at(p, 60);
        for k in 0..10 {
            let at = 64 + 12 * k;
            let level = Level {
                qty: u32_at(p, at),
                price: u32_at(p, at + 4),
                orders: u16_at(p, at + 8),
            };
            if k < 5 {
                self.depth.buy[k] = level;
            } else {
                self.depth.sell[k - 5] = level;
            }
        }
    }

    /// Appends the packet Kite would send for this tick (its [`Layout`]'s length, fields at their
    /// offsets, pad bytes zero): the sandbox's ticker speaks with it. `decode(encode(t)) == t` for
    /// every tick whose fields outside its layout are zero.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let put = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_be_bytes());
        put(out, self.token);
        put(out, self.last_price);
        match self.layout {
            Layout::Ltp => {}
            Layout::IndexQuote | Layout::IndexFull => {
                for v in [
                    self.ohlc.high,
                    self.ohlc.low,
                    self.ohlc.open,
                    self.ohlc.close,
                ] {
                    put(out, v);
                }
                put(out, self.index_change as u32);
                if self.layout == Layout::IndexFull {
                    put(out, self.exchange_time);
                }
            }
            Layout::Quote | Layout::Full => {
                for v in [
                    self.last_traded_qty,
                    self.average_price,
                    self.volume,
                    self.total_buy_qty,
                    self.total_sell_qty,
                    self.ohlc.open,
                    self.ohlc.high,
                    self.ohlc.low,
                    self.ohlc.close,
                ] {
                    put(out, v);
                }
                if self.layout == Layout::Full {
                    for v in [
                        self.last_trade_time,
                        self.oi,
                        self.oi_day_high,
                        self.oi_day_low,
                        self.exchange_time,
                    ] {
                        put(out, v);
                    }
                    for level in self.depth.buy.iter().chain(&self.depth.sell) {
                        put(out, level.qty);
                        put(out, level.price);
                        out.extend_from_slice(&level.orders.to_be_bytes());
                        out.extend_from_slice(&[0, 0]);
                    }
                }
            }
        }
    }

    /// The instrument's segment.
    #[inline]
    pub fn segment(&self) -> Segment {
        Segment::of(self.token)
    }

    /// A price integer of this tick as an exact decimal in rupees (e.g. 157315 → `1573.15`).
    pub fn decimal(&self, raw: u32) -> Decimal {
        Decimal::new(i64::from(raw), self.segment().price_decimals())
    }

    /// A price integer of this tick as the engine's fixed-point [`Price`], exactly; `None` when
    /// the engine's four decimals cannot hold it (a currency price with sub-paise digits beyond
    /// them).
    #[inline]
    pub fn engine_price(&self, raw: u32) -> Option<Price> {
        let decimals = self.segment().price_decimals();
        let raw = i64::from(raw);
        let engine_decimals = PRICE_SCALE.ilog10();
        if decimals <= engine_decimals {
            Some(Price(raw * 10i64.pow(engine_decimals - decimals)))
        } else {
            let div = 10i64.pow(decimals - engine_decimals);
            (raw % div == 0).then(|| Price(raw / div))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_other_length_is_refused_by_name() {
        for len in [0, 1, 7, 9, 43, 45, 183, 185] {
            let err = KiteTick::decode(&vec![0; len]).unwrap_err();
            assert_eq!(err, PacketError::UnknownLength { len });
            assert!(err.to_string().contains(&format!("{len} bytes")));
        }
    }

    #[test]
    fn prices_convert_exactly_or_not_at_all() {
        let mut ltp = [0u8; 8];
        ltp[0..4].copy_from_slice(&(408065u32).to_be_bytes());
        let tick = KiteTick::decode(&ltp).unwrap();
        assert_eq!(tick.segment(), Segment::NSE);
        assert_eq!(tick.engine_price(157315), Some(Price(15_731_500)));
        assert_eq!(tick.decimal(157315).to_string(), "1573.15");

        let cds = KiteTick {
            token: 0x0100_0003,
            ..tick
        };
        assert_eq!(cds.decimal(832_512_500).to_string(), "83.2512500");
        assert_eq!(cds.engine_price(832_512_000), Some(Price(832_512)));
        assert_eq!(cds.engine_price(832_512_500), None, "sub-paise digits lost");
        let bcd = KiteTick {
            token: 0x0100_0006,
            ..tick
        };
        assert_eq!(bcd.engine_price(832_512), Some(Price(832_512)));
    }
}
