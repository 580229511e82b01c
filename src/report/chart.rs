//! `equity.svg`: equity (top panel) and drawdown (bottom panel) against time, drawn as plain SVG so
//! it opens in any browser without scripts or fonts to install.
//!
//! Long curves are reduced to at most two points (the low and the high) per horizontal pixel, which
//! keeps every spike visible while a 1M-bar run stays a small file.

use std::fmt::Write;

use sharewise_engine::backtest::metrics::drawdown_series;
use sharewise_engine::backtest::BacktestResult;
use sharewise_engine::time::{civil_from_days, ist_day};
use sharewise_engine::types::PRICE_SCALE;

use super::format::{money, ratio_or_na};

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 634.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 84.0;
const EQUITY_H: f64 = 330.0;
const GAP: f64 = 40.0;
const DD_H: f64 = 120.0;

/// Renders the chart for `result`.
pub fn render_equity_svg(result: &BacktestResult) -> String {
    let curve = &result.curve;
    let plot_w = WIDTH - LEFT - RIGHT;
    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
"##
    );
    let m = &result.metrics;
    let title = format!("{} · {}", result.strategy, result.instrument.symbol);
    let subtitle = format!(
        "final equity ₹{} · return {:.2} % · Sharpe {} · max drawdown {:.2} % · {} trades",
        money(result.final_equity),
        m.total_return * 100.0,
        ratio_or_na(m.sharpe, 2),
        m.max_drawdown * 100.0,
        m.trade_count
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="28" font-size="18" font-weight="bold" fill="#1a1a2e">{}</text>"##,
        escape(&title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="50" fill="#555">{}</text>"##,
        escape(&subtitle)
    );
    if curve.len() < 2 {
        let _ = writeln!(
            svg,
            r##"<text x="{LEFT}" y="{}" fill="#888">not enough bars to draw</text></svg>"##,
            TOP + 40.0
        );
        return svg;
    }

    // One streaming pass per curve (a 1M-bar run would otherwise hold 16 MB of floats). The
    // envelope keeps every bucket's extremes, so the curves' extremes are the envelopes'.
    let n = curve.len();
    let equity = curve.iter().map(|p| p.equity as f64 / PRICE_SCALE as f64);
    let eq_points = envelope(equity, n, plot_w as usize);
    let dd_points = envelope(drawdown_series(curve), n, plot_w as usize);
    let (lo, hi) = eq_points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let (lo, hi) = nice_range(lo, hi);
    let dd_peak = dd_points.iter().map(|(_, d)| *d).fold(0.0, f64::max);
    let dd_max = nice_range(0.0, dd_peak.max(1e-4)).1;

    let x_of = |i: usize| LEFT + plot_w * i as f64 / (n - 1) as f64;
    let y_eq = |v: f64| TOP + EQUITY_H * (1.0 - (v - lo) / (hi - lo));
    let dd_top = TOP + EQUITY_H + GAP;
    let y_dd = |d: f64| dd_top + DD_H * d / dd_max;

    // Grid and axis labels.
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let y = y_eq(v);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#e6e6e6"/>"##,
            WIDTH - RIGHT
        );
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
            LEFT - 8.0,
            y + 4.0,
            rupees_label(v)
        );
    }
    for k in 0..=2 {
        let d = dd_max * k as f64 / 2.0;
        let y = y_dd(d);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#eeeeee"/>"##,
            WIDTH - RIGHT
        );
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#555">−{:.1} %</text>"##,
            LEFT - 8.0,
            y + 4.0,
            d * 100.0
        );
    }
    let ticks = 6;
    for k in 0..=ticks {
        let i = (n - 1) * k / ticks;
        let x = x_of(i);
        let (y, mo, d) = civil_from_days(ist_day(curve[i].ts));
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#f0f0f0"/>"##,
            dd_top + DD_H
        );
        let anchor = match k {
            0 => "start",
            k if k == ticks => "end",
            _ => "middle",
        };
        let _ = writeln!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" fill="#555">{y:04}-{mo:02}-{d:02}</text>"##,
            dd_top + DD_H + 18.0
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" fill="#333" font-weight="bold">Equity (₹)</text>"##,
        TOP - 12.0
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" fill="#333" font-weight="bold">Drawdown</text>"##,
        dd_top - 12.0
    );

    // Initial cash reference line.
    let initial: f64 = result.config.initial_cash.try_into().unwrap_or(lo);
    if (lo..=hi).contains(&initial) {
        let y = y_eq(initial);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#999" stroke-dasharray="4 4"/>"##,
            WIDTH - RIGHT
        );
    }

    let mut path = String::with_capacity(eq_points.len() * 16);
    for (k, (i, v)) in eq_points.iter().enumerate() {
        let _ = write!(
            path,
            "{}{:.1},{:.1}",
            if k == 0 { "M" } else { "L" },
            x_of(*i),
            y_eq(*v)
        );
    }
    let _ = writeln!(
        svg,
        r##"<path d="{path}" fill="none" stroke="#1f6feb" stroke-width="1.4" stroke-linejoin="round"/>"##
    );

    let mut area = format!("M{:.1},{:.1}", x_of(0), y_dd(0.0));
    for (i, d) in &dd_points {
        let _ = write!(area, "L{:.1},{:.1}", x_of(*i), y_dd(*d));
    }
    let _ = write!(area, "L{:.1},{:.1}Z", x_of(n - 1), y_dd(0.0));
    let _ = writeln!(
        svg,
        r##"<path d="{area}" fill="#e5534b" fill-opacity="0.35" stroke="#e5534b" stroke-width="1"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{EQUITY_H}" fill="none" stroke="#ccc"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{dd_top}" width="{plot_w}" height="{DD_H}" fill="none" stroke="#ccc"/>"##
    );
    svg.push_str("</svg>\n");
    svg
}

/// At most two points (min and max, in time order) per bucket of the `n` `values`, for `buckets`
/// buckets, and the last point. In a bucket the first of equal extremes is kept.
fn envelope(values: impl Iterator<Item = f64>, n: usize, buckets: usize) -> Vec<(usize, f64)> {
    if n <= buckets * 2 {
        return values.enumerate().collect();
    }
    let mut out = Vec::with_capacity(buckets * 2 + 1);
    let mut values = values.enumerate();
    let mut tail = None;
    for b in 0..buckets {
        let end = n * (b + 1) / buckets;
        let Some(first) = values.next() else { break };
        let (mut min, mut max, mut last) = (first, first, first);
        for (i, v) in values.by_ref().take(end - first.0 - 1) {
            if v < min.1 {
                min = (i, v);
            }
            if v > max.1 {
                max = (i, v);
            }
            last = (i, v);
        }
        let (a, b) = if min.0 <= max.0 {
            (min, max)
        } else {
            (max, min)
        };
        out.push(a);
        if b.0 != a.0 {
            out.push(b);
        }
        tail = Some(last);
    }
    if let Some(last) = tail.filter(|_| out.last().map(|p| p.0) != Some(n - 1)) {
        out.push(last);
    }
    out
}

/// Widens `[lo, hi]` a little and snaps it to round numbers.
fn nice_range(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).max(hi.abs() * 1e-6).max(1e-9);
    let step = 10f64.powf((span / 4.0).log10().floor());
    (
        (lo / step).floor() * step,
        ((hi / step).ceil() * step).max(lo + step),
    )
}

/// `10.2L`, `1.05Cr`, `950` — Indian units for axis labels.
fn rupees_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e7 {
        format!("{:.3}Cr", v / 1e7)
    } else if a >= 1e5 {
        format!("{:.3}L", v / 1e5)
    } else {
        format!("{v:.0}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_keeps_extremes_and_endpoints() {
        let values: Vec<f64> = (0..1000)
            .map(|i| if i == 537 { -50.0 } else { (i % 7) as f64 })
            .collect();
        let env = envelope(values.iter().copied(), values.len(), 10);
        assert!(env.len() <= 21);
        assert!(
            env.contains(&(537, -50.0)),
            "a one-bar spike survives downsampling"
        );
        assert_eq!(env.last(), Some(&(999, values[999])));
        assert!(
            env.windows(2).all(|w| w[0].0 < w[1].0),
            "points stay in time order"
        );
    }

    /// The envelope as it was computed on a slice (the reference the streaming one must equal).
    fn envelope_of_slice(values: &[f64], buckets: usize) -> Vec<(usize, f64)> {
        let n = values.len();
        if n <= buckets * 2 {
            return values.iter().copied().enumerate().collect();
        }
        let mut out = Vec::new();
        for b in 0..buckets {
            let (start, end) = (n * b / buckets, n * (b + 1) / buckets);
            let slice = &values[start..end];
            let (mut imin, mut imax) = (0, 0);
            for (i, v) in slice.iter().enumerate() {
                if *v < slice[imin] {
                    imin = i;
                }
                if *v > slice[imax] {
                    imax = i;
                }
            }
            let (a, b) = if imin <= imax {
                (imin, imax)
            } else {
                (imax, imin)
            };
            out.push((start + a, slice[a]));
            if b != a {
                out.push((start + b, slice[b]));
            }
        }
        if out.last().map(|(i, _)| *i) != Some(n - 1) {
            out.push((n - 1, values[n - 1]));
        }
        out
    }

    #[test]
    fn streaming_envelope_equals_the_slice_one() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in [1, 2, 3, 19, 20, 21, 41, 100, 997, 5000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % 7) as f64 // few distinct values: many ties
                })
                .collect();
            for buckets in [1, 3, 10, 890] {
                assert_eq!(
                    envelope(values.iter().copied(), n, buckets),
                    envelope_of_slice(&values, buckets),
                    "n {n}, buckets {buckets}"
                );
            }
        }
    }

    #[test]
    fn labels_use_indian_units() {
        assert_eq!(rupees_label(1_020_000.0), "10.200L");
        assert_eq!(rupees_label(12_345_678.0), "1.235Cr");
    }
}
