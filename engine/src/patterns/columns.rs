//! CLI column specs for detectors: `cdl:<name>`, `volspike:<period>:<factor>`, `breakout:<n>`.

use super::{
    Detector, Doji, Engulfing, EveningStar, Hammer, Harami, MorningStar, RangeBreakout,
    ShootingStar, VolumeSpike,
};
use crate::indicators::{Candle, ColumnSource};

/// Candlestick names accepted after `cdl:`.
pub const CANDLE_PATTERN_NAMES: [&str; 7] = [
    "doji",
    "hammer",
    "shootingstar",
    "engulfing",
    "harami",
    "morningstar",
    "eveningstar",
];

/// One detector as a one-column [`ColumnSource`]: the signal as `f64`, `None` before its lookback.
#[derive(Clone, Debug)]
pub struct DetectorColumn<D> {
    detector: D,
    columns: [String; 1],
}

impl<D: Detector> DetectorColumn<D> {
    /// Wraps `detector` under the column name `column`.
    pub fn new(column: impl Into<String>, detector: D) -> DetectorColumn<D> {
        DetectorColumn {
            detector,
            columns: [column.into()],
        }
    }
}

impl<D: Detector + 'static> ColumnSource for DetectorColumn<D> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn update(&mut self, candle: &Candle, out: &mut [Option<f64>]) {
        let signal = self.detector.next(candle);
        if let Some(slot) = out.first_mut() {
            *slot = self.detector.is_ready().then_some(signal as f64);
        }
    }
}

fn boxed<D: Detector + 'static>(column: String, detector: D) -> Box<dyn ColumnSource> {
    Box::new(DetectorColumn::new(column, detector))
}

/// The candlestick column for `name` (what follows `cdl:`, e.g. `engulfing`), named `cdl_<name>`,
/// with TA-Lib's default settings (penetration 0.3 for the stars); `None` for an unknown name.
pub fn column_source(name: &str) -> Option<Box<dyn ColumnSource>> {
    let column = format!("cdl_{name}");
    Some(match name {
        "doji" => boxed(column, Doji::new()),
        "hammer" => boxed(column, Hammer::new()),
        "shootingstar" => boxed(column, ShootingStar::new()),
        "engulfing" => boxed(column, Engulfing::new()),
        "harami" => boxed(column, Harami::new()),
        "morningstar" => boxed(column, MorningStar::default()),
        "eveningstar" => boxed(column, EveningStar::default()),
        _ => return None,
    })
}

/// The column for a full detector spec: `volspike:<period>:<factor>` (column
/// `volspike_<period>_<factor>`), `breakout:<n>` (`breakout_<n>`) or `cdl:<name>` (`cdl_<name>`).
/// `Ok(None)` when the spec is not a detector's; `Err` names the bad parameter and its value.
pub fn detector_source(spec: &str) -> Result<Option<Box<dyn ColumnSource>>, String> {
    let mut parts = spec.split(':');
    let kind = parts.next().unwrap_or_default();
    let params: Vec<&str> = parts.collect();
    match kind {
        "volspike" => {
            let [period, factor] = params[..] else {
                return Err(format!(
                    "`{spec}`: expected `volspike:<period>:<factor>`, e.g. `volspike:20:3`"
                ));
            };
            let period = parse_period(spec, "period", period)?;
            let factor = factor
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("`{spec}`: `factor` must be a number >= 0, got `{factor}`"))?;
            let detector =
                VolumeSpike::new(period, factor).map_err(|e| format!("`{spec}`: {e}"))?;
            Ok(Some(boxed(format!("volspike_{period}_{factor}"), detector)))
        }
        "breakout" => {
            let [n] = params[..] else {
                return Err(format!(
                    "`{spec}`: expected `breakout:<n>`, e.g. `breakout:20`"
                ));
            };
            let n = parse_period(spec, "n", n)?;
            let detector = RangeBreakout::new(n).map_err(|e| format!("`{spec}`: {e}"))?;
            Ok(Some(boxed(format!("breakout_{n}"), detector)))
        }
        "cdl" => {
            let [name] = params[..] else {
                return Err(format!(
                    "`{spec}`: expected `cdl:<name>`, e.g. `cdl:engulfing`"
                ));
            };
            column_source(name).map(Some).ok_or_else(|| {
                format!(
                    "`{spec}`: unknown candlestick pattern `{name}`; expected one of {}",
                    CANDLE_PATTERN_NAMES.join(", ")
                )
            })
        }
        _ => Ok(None),
    }
}

fn parse_period(spec: &str, name: &str, text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "`{spec}`: `{name}` must be a whole number >= 1, got `{text}`"
        )),
    }
}
