//! Why a signal fired, kept as numbers and formatted only when someone reads it: formatting floats
//! costs far more than the decision itself, and most signals in a sweep are never displayed.

use std::fmt;

use serde::{Serialize, Serializer};

/// A signal's reason; `Display` gives the sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// `SMA(10) 1573.15 crossed above SMA(30) 1571.40`.
    LinesCrossed {
        /// Line name, e.g. `SMA`, `EMA`.
        line: &'static str,
        /// Fast period.
        fast_period: u32,
        /// Fast line value.
        fast: f64,
        /// Slow period.
        slow_period: u32,
        /// Slow line value.
        slow: f64,
        /// Crossed above (else below).
        above: bool,
    },
    /// `MACD 0.1234 crossed above its signal 0.1000`.
    MacdCrossed {
        /// MACD line.
        macd: f64,
        /// Signal line.
        signal: f64,
        /// Crossed above (else below).
        above: bool,
    },
    /// `RSI(14) 28.40 fell below 30` / `rose above 70`.
    RsiZone {
        /// RSI period.
        period: u32,
        /// RSI value.
        rsi: f64,
        /// Threshold crossed.
        threshold: f64,
        /// Entered the oversold zone (else overbought).
        oversold: bool,
    },
    /// `close 1580.00 broke above upper band 1575.20` / `fell below middle band`.
    BandBreak {
        /// Close.
        close: f64,
        /// The band's value.
        band: f64,
        /// Broke above the upper band (else fell below the middle band).
        upper: bool,
    },
    /// Free text, for strategies without a structured reason.
    Text(String),
}

/// One piece of a reason's sentence. [`Reason::pieces`] gives them in order, so every writer of
/// the sentence (its `Display`, a report's fast CSV writer) shares one wording and formats the
/// numbers its own way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Piece<'a> {
    /// Words, written as they are.
    Text(&'a str),
    /// A whole number, e.g. a period.
    Int(u32),
    /// A value with exactly `decimals` decimals (rounded half to even, as `{:.N}` does).
    Fixed {
        /// The value.
        value: f64,
        /// Decimals to write.
        decimals: u32,
    },
    /// A value written as `{}` writes an `f64` (a threshold: `30`, `70.5`).
    Plain(f64),
}

impl Reason {
    /// Hands the sentence to `emit` piece by piece, in order.
    pub fn pieces(&self, mut emit: impl FnMut(Piece<'_>)) {
        use Piece::{Fixed, Int, Plain, Text};
        let dir = |above: bool| Text(if above { " above " } else { " below " });
        let two = |value: f64| Fixed { value, decimals: 2 };
        match self {
            Reason::LinesCrossed {
                line,
                fast_period,
                fast,
                slow_period,
                slow,
                above,
            } => {
                for (k, (period, value)) in [(fast_period, fast), (slow_period, slow)]
                    .into_iter()
                    .enumerate()
                {
                    if k == 1 {
                        emit(Text(" crossed"));
                        emit(dir(*above));
                    }
                    emit(Text(line));
                    emit(Text("("));
                    emit(Int(*period));
                    emit(Text(") "));
                    emit(two(*value));
                }
            }
            Reason::MacdCrossed {
                macd,
                signal,
                above,
            } => {
                let four = |value: f64| Fixed { value, decimals: 4 };
                emit(Text("MACD "));
                emit(four(*macd));
                emit(Text(" crossed"));
                emit(dir(*above));
                emit(Text("its signal "));
                emit(four(*signal));
            }
            Reason::RsiZone {
                period,
                rsi,
                threshold,
                oversold,
            } => {
                emit(Text("RSI("));
                emit(Int(*period));
                emit(Text(") "));
                emit(two(*rsi));
                emit(Text(if *oversold {
                    " fell below "
                } else {
                    " rose above "
                }));
                emit(Plain(*threshold));
            }
            Reason::BandBreak { close, band, upper } => {
                emit(Text("close "));
                emit(two(*close));
                emit(Text(if *upper {
                    " broke above upper band "
                } else {
                    " fell below middle band "
                }));
                emit(two(*band));
            }
            Reason::Text(text) => emit(Text(text)),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        self.pieces(|piece| {
            if result.is_ok() {
                result = match piece {
                    Piece::Text(text) => f.write_str(text),
                    Piece::Int(n) => write!(f, "{n}"),
                    Piece::Fixed { value, decimals } => {
                        write!(f, "{value:.prec$}", prec = decimals as usize)
                    }
                    Piece::Plain(value) => write!(f, "{value}"),
                };
            }
        });
        result
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_a_sentence() {
        let r = Reason::RsiZone {
            period: 14,
            rsi: 28.404,
            threshold: 30.0,
            oversold: true,
        };
        assert_eq!(r.to_string(), "RSI(14) 28.40 fell below 30");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            "\"RSI(14) 28.40 fell below 30\""
        );
        let r = Reason::MacdCrossed {
            macd: 0.12345,
            signal: 0.1,
            above: false,
        };
        assert_eq!(r.to_string(), "MACD 0.1235 crossed below its signal 0.1000");
    }
}
