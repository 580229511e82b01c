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

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = |above: bool| if above { "above" } else { "below" };
        match self {
            Reason::LinesCrossed {
                line,
                fast_period,
                fast,
                slow_period,
                slow,
                above,
            } => {
                write!(
                    f,
                    "{line}({fast_period}) {fast:.2} crossed {} {line}({slow_period}) {slow:.2}",
                    dir(*above)
                )
            }
            Reason::MacdCrossed {
                macd,
                signal,
                above,
            } => write!(
                f,
                "MACD {macd:.4} crossed {} its signal {signal:.4}",
                dir(*above)
            ),
            Reason::RsiZone {
                period,
                rsi,
                threshold,
                oversold: true,
            } => write!(f, "RSI({period}) {rsi:.2} fell below {threshold}"),
            Reason::RsiZone {
                period,
                rsi,
                threshold,
                oversold: false,
            } => write!(f, "RSI({period}) {rsi:.2} rose above {threshold}"),
            Reason::BandBreak {
                close,
                band,
                upper: true,
            } => write!(f, "close {close:.2} broke above upper band {band:.2}"),
            Reason::BandBreak {
                close,
                band,
                upper: false,
            } => write!(f, "close {close:.2} fell below middle band {band:.2}"),
            Reason::Text(text) => f.write_str(text),
        }
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
