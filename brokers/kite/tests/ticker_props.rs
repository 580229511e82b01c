//! The ticker decoder on input nobody planned for: random bytes, valid messages mutated or cut
//! short, and every tick the encoder can write read back unchanged. Nothing may panic; a cut
//! message is refused, never half-read.

use proptest::prelude::*;
use sharewise_kite::ticker::{write_message, Depth, Frame, KiteTick, Layout, Level, Ohlc};

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Ltp),
        Just(Layout::IndexQuote),
        Just(Layout::IndexFull),
        Just(Layout::Quote),
        Just(Layout::Full),
    ]
}

fn level() -> impl Strategy<Value = Level> {
    (any::<u32>(), any::<u32>(), any::<u16>()).prop_map(|(qty, price, orders)| Level {
        qty,
        price,
        orders,
    })
}

/// A tick with only the fields its layout carries (the others zero, as decoding leaves them).
fn tick() -> impl Strategy<Value = KiteTick> {
    (
        layout(),
        any::<[u32; 16]>(),
        any::<i32>(),
        prop::array::uniform10(level()),
    )
        .prop_map(|(layout, v, change, levels)| {
            let quote = layout.has_quantities();
            let index = matches!(layout, Layout::IndexQuote | Layout::IndexFull);
            let full = layout == Layout::Full;
            let keep = |yes: bool, x: u32| if yes { x } else { 0 };
            let mut depth = Depth::default();
            if full {
                depth.buy.copy_from_slice(&levels[..5]);
                depth.sell.copy_from_slice(&levels[5..]);
            }
            KiteTick {
                token: v[0],
                layout,
                last_price: v[1],
                last_traded_qty: keep(quote, v[2]),
                average_price: keep(quote, v[3]),
                volume: keep(quote, v[4]),
                total_buy_qty: keep(quote, v[5]),
                total_sell_qty: keep(quote, v[6]),
                ohlc: if layout.has_ohlc() {
                    Ohlc {
                        open: v[7],
                        high: v[8],
                        low: v[9],
                        close: v[10],
                    }
                } else {
                    Ohlc::default()
                },
                index_change: if index { change } else { 0 },
                last_trade_time: keep(full, v[11]),
                oi: keep(full, v[12]),
                oi_day_high: keep(full, v[13]),
                oi_day_low: keep(full, v[14]),
                exchange_time: keep(full || layout == Layout::IndexFull, v[15]),
                depth,
            }
        })
}

/// Decodes everything a message holds; never panics.
fn read_all(message: &[u8]) -> Option<usize> {
    let frame = Frame::parse(message).ok()?;
    Some(frame.into_iter().filter(Result::is_ok).count())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(message in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(frame) = Frame::parse(&message) {
            let sum: usize = frame.packets().map(|p| p.len() + 2).sum();
            prop_assert_eq!(2 + sum + frame.trailing(), message.len().max(2));
            for tick in frame {
                let _ = tick.map(|t| serde_json::to_string(&sharewise_kite::ticker::TickJson::from(&t)));
            }
        }
    }

    #[test]
    fn every_tick_reads_back_unchanged(ticks in prop::collection::vec(tick(), 0..12)) {
        let mut message = Vec::new();
        write_message(&ticks, &mut message);
        let frame = Frame::parse(&message).unwrap();
        prop_assert_eq!(frame.trailing(), 0);
        let back: Vec<KiteTick> = frame.into_iter().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(back, ticks);
    }

    #[test]
    fn a_message_cut_anywhere_is_refused(ticks in prop::collection::vec(tick(), 1..6), cut in any::<prop::sample::Index>()) {
        let mut message = Vec::new();
        write_message(&ticks, &mut message);
        let at = 2 + cut.index(message.len() - 2);
        prop_assert!(Frame::parse(&message[..at]).is_err(), "cut at {} of {}", at, message.len());
    }

    #[test]
    fn mutated_messages_never_panic(
        ticks in prop::collection::vec(tick(), 1..6),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut message = Vec::new();
        write_message(&ticks, &mut message);
        for (at, byte) in flips {
            let i = at.index(message.len());
            message[i] = byte;
        }
        let _ = read_all(&message);
    }
}
