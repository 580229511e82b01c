//! The status line: every few seconds, one line an operator can read at a glance.
//!
//! ```text
//! 2026-11-25T10:42:05+05:30 | 3180 ticks/s | signals 41 | orders 12 (rejected 1) | fills 11 | open 3 | P&L +1234.50 (realized +800.00) | p99 feed→engine 14.2µs, chain 850ns
//! ```
//!
//! It also watches for a stopped participant (a journal failure in the order actor, a thread
//! that panicked) and turns that into a shutdown, so the daemon never runs on without its
//! journal; on a shutdown it releases the feed from any lockstep wait; and on a forced stop (a
//! second Ctrl-C) it waits for the order actor to stop between two journal commits, then calls
//! the binary's exit. When the books disagree, the line ends with `BOOKS DIFFER: ...`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sharewise_actors::{LinkSnapshot, LinkStats, Shutdown};
use sharewise_engine::time::format_ist;
use sharewise_engine::types::Price;
use sharewise_risk::TradingState;

use crate::progress::Progress;
use crate::stats::LiveStats;

/// Name of the marks file in the data directory.
pub const MARKS_FILE: &str = "marks.json";

/// `DATA/marks.json`: the last trade price of every symbol, so `sharewise positions` can show
/// unrealised P&L. Rewritten atomically and durably ([`sharewise_store::files::write_atomic`]) every status period and at stop:
/// `{"ts": <UTC ns of the latest tick>, "marks": {"RELIANCE": "1500.05", ...}}`.
pub struct MarksFile {
    /// Where to write.
    pub path: PathBuf,
    /// Symbols by instrument id.
    pub symbols: Vec<String>,
}

impl MarksFile {
    /// Writes the current marks; a failure is reported once per call on stderr (the journal,
    /// not this file, is the record).
    pub fn write(&self, stats: &LiveStats) {
        let marks: serde_json::Map<String, serde_json::Value> = self
            .symbols
            .iter()
            .zip(&stats.marks)
            .filter_map(|(symbol, m)| {
                let units = m.load(Ordering::Relaxed);
                (units != 0).then(|| {
                    (
                        symbol.clone(),
                        serde_json::Value::String(Price(units).to_string()),
                    )
                })
            })
            .collect();
        let doc =
            serde_json::json!({ "ts": stats.last_tick_ts.load(Ordering::Relaxed), "marks": marks });
        if let Err(e) = sharewise_store::files::write_atomic(&self.path, doc.to_string().as_bytes())
        {
            eprintln!("warning: cannot write {}: {e}", self.path.display());
        }
    }
}

/// The status thread.
pub struct StatusLine {
    handle: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

/// Rupees from paise, signed, two decimals.
fn rupees(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "+" };
    format!(
        "{sign}{}.{:02}",
        paise.unsigned_abs() / 100,
        paise.unsigned_abs() % 100
    )
}

/// Nanoseconds for people.
fn duration(ns: u64) -> String {
    match ns {
        0 => "-".into(),
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{:.1}µs", n as f64 / 1e3),
        n => format!("{:.1}ms", n as f64 / 1e6),
    }
}

/// One status line from the counters (summed over the accounts); `ticks_per_s` over the last
/// period. An account that is not `active`, or whose books differ, is named (with one account,
/// the name is left out).
pub fn format_line(stats: &LiveStats, ticks_per_s: f64, link: &LinkSnapshot) -> String {
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let realized = stats.sum_signed(|a| &a.realized_paise);
    let total = realized.saturating_add(stats.sum_signed(|a| &a.unrealized_paise));
    let ts = stats.last_tick_ts.load(Ordering::Relaxed);
    let clock = if ts == 0 {
        "--:--:--".to_string()
    } else {
        format_ist(ts)
    };
    // Overload is worth a glance only when it happened.
    let overload = if link.conflated + link.dropped > 0 {
        format!(
            " | overload: {} conflated, {} dropped",
            link.conflated, link.dropped
        )
    } else {
        String::new()
    };
    // So is input dropped by reason (outside the session, late, bad rows).
    let dropped = stats.drops.snapshot().status_note();
    let kite = stats
        .broker_feed()
        .map(|(name, f)| feed_note(name, f))
        .unwrap_or_default();
    format!(
        "{clock} | {ticks_per_s:.0} ticks/s | signals {} | orders {} (rejected {}) | fills {} | open {} | P&L {} (realized {}) | p99 feed→engine {}, chain {}{overload}{dropped}{kite}{}",
        stats.sum(|a| &a.signals),
        stats.sum(|a| &a.orders),
        stats.sum(|a| &a.rejections),
        stats.sum(|a| &a.fills),
        stats.sum(|a| &a.open_positions),
        rupees(total),
        rupees(realized),
        duration(get(&stats.hop_p99_ns)),
        duration(get(&stats.chain_p99_ns)),
        restrictions(&stats.accounts()),
    )
}

/// A broker feed's health: whether it is connected, and reconnections, gaps and conflation once
/// they happened.
fn feed_note(name: &str, f: &sharewise_broker_kit::feed::FeedStats) -> String {
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let mut note = match get(&f.up) {
        0 => format!(" | {name} feed DOWN"),
        _ => format!(" | {name} feed up"),
    };
    let reconnects = get(&f.connects).saturating_sub(get(&f.up).max(1));
    if reconnects > 0 {
        note.push_str(&format!(", {reconnects} reconnects"));
    }
    if get(&f.gaps) > 0 {
        note.push_str(&format!(
            ", {} gaps ({} shares unseen)",
            get(&f.gaps),
            get(&f.gap_volume)
        ));
    }
    if get(&f.conflated) > 0 {
        note.push_str(&format!(", {} conflated", get(&f.conflated)));
    }
    if get(&f.stale) > 0 {
        note.push_str(&format!(", {} silent", get(&f.stale)));
    }
    note
}

/// What an operator must see at a glance: accounts trading differently from their config
/// (`reducing`, `halted`) and books that disagree, named when there are several accounts.
fn restrictions(accounts: &[std::sync::Arc<crate::stats::AccountStats>]) -> String {
    let named = accounts.len() > 1;
    let mut out = String::new();
    for a in accounts {
        let state = a.trading_state();
        if state != TradingState::Active {
            out.push_str(&format!(" | TRADING {}", state.describe().to_uppercase()));
            if named {
                out.push_str(&format!(": {}", a.name));
            }
        }
    }
    for a in accounts {
        if let Some(what) = a.book_mismatch() {
            match named {
                true => out.push_str(&format!(" | BOOKS DIFFER ({}): {what}", a.name)),
                false => out.push_str(&format!(" | BOOKS DIFFER: {what}")),
            }
        }
    }
    out
}

/// A second Ctrl-C: wait (at most a second) for the order actor to leave the journal between two
/// commits, then hand over to `on_forced` (the binary exits there).
fn forced_stop(progress: &Progress, say: fn(&str), on_forced: fn()) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while !progress.orders_done.load(Ordering::Acquire) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let quiet = progress.orders_done.load(Ordering::Acquire);
    say(if quiet {
        "forced stop: the journal is complete up to its last commit; exiting now"
    } else {
        "forced stop: exiting now (the order actor was still busy; the next start reconciles)"
    });
    on_forced();
}

impl StatusLine {
    /// Prints a line every `every_s` seconds through `say` until [`StatusLine::stop`].
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        stats: Arc<LiveStats>,
        link: Arc<LinkStats>,
        progress: Arc<Progress>,
        shutdown: Shutdown,
        every_s: u64,
        say: fn(&str),
        marks: MarksFile,
        on_forced: fn(),
    ) -> StatusLine {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("sw-status".into())
            .spawn(move || {
                let period = Duration::from_secs(every_s.max(1));
                let mut last = Instant::now();
                let mut last_ticks = 0;
                while !flag.load(Ordering::Acquire) {
                    std::thread::sleep(Duration::from_millis(50));
                    // A stopped participant stops everything; a shutdown releases lockstep waits
                    // (a replay must not wait on an engine that is draining to stop).
                    if progress.abandoned.load(Ordering::Acquire) && !shutdown.is_triggered() {
                        shutdown.trigger();
                    }
                    if shutdown.is_triggered() {
                        progress.abandoned.store(true, Ordering::Release);
                    }
                    if shutdown.is_forced() {
                        forced_stop(&progress, say, on_forced);
                    }
                    if let Some(warning) = stats
                        .drops
                        .warning(stats.ticks.load(Ordering::Relaxed), false)
                    {
                        say(&warning);
                    }
                    if last.elapsed() < period {
                        continue;
                    }
                    let ticks = stats.ticks.load(Ordering::Relaxed);
                    let rate = (ticks - last_ticks) as f64 / last.elapsed().as_secs_f64();
                    (last, last_ticks) = (Instant::now(), ticks);
                    say(&format_line(&stats, rate, &link.snapshot()));
                    marks.write(&stats);
                }
                // The feed has ended (or the daemon is stopping): a short replay is judged whole.
                if let Some(warning) = stats
                    .drops
                    .warning(stats.ticks.load(Ordering::Relaxed), true)
                {
                    say(&warning);
                }
                marks.write(&stats);
            })
            .ok();
        StatusLine { handle, stop }
    }

    /// Ends the thread.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_counts_money_and_latency() {
        let stats = LiveStats::new(0, &["main"]);
        let accounts = stats.accounts();
        let a = &accounts[0];
        a.signals.store(41, Ordering::Relaxed);
        a.orders.store(12, Ordering::Relaxed);
        a.fills.store(11, Ordering::Relaxed);
        a.open_positions.store(3, Ordering::Relaxed);
        a.realized_paise.store(80_000, Ordering::Relaxed);
        a.unrealized_paise.store(-1_050, Ordering::Relaxed);
        stats.hop_p99_ns.store(14_200, Ordering::Relaxed);
        stats.chain_p99_ns.store(850, Ordering::Relaxed);
        let line = format_line(&stats, 3180.2, &LinkSnapshot::default());
        assert_eq!(line, "--:--:-- | 3180 ticks/s | signals 41 | orders 12 (rejected 0) | fills 11 | open 3 | P&L +789.50 (realized +800.00) | p99 feed→engine 14.2µs, chain 850ns");
        let overloaded = LinkSnapshot {
            conflated: 7,
            ..LinkSnapshot::default()
        };
        assert!(format_line(&stats, 3180.2, &overloaded)
            .ends_with("chain 850ns | overload: 7 conflated, 0 dropped"));
        stats.drops.after_close.store(30, Ordering::Relaxed);
        stats.drops.bad_rows[0].store(1, Ordering::Relaxed);
        assert!(format_line(&stats, 3180.2, &overloaded).ends_with(
            "| overload: 7 conflated, 0 dropped | dropped: 30 outside session, 1 bad row"
        ));
        a.set_book_mismatch(Some(
            "INFY: qty journal 10 vs broker 20 (off by +10)".into(),
        ));
        assert!(format_line(&stats, 3180.2, &LinkSnapshot::default()).ends_with("| dropped: 30 outside session, 1 bad row | BOOKS DIFFER: INFY: qty journal 10 vs broker 20 (off by +10)"));
        a.set_trading_state(TradingState::Reducing);
        assert!(format_line(&stats, 3180.2, &LinkSnapshot::default()).ends_with("1 bad row | TRADING REDUCING (EXITS ONLY) | BOOKS DIFFER: INFY: qty journal 10 vs broker 20 (off by +10)"));
    }

    #[test]
    fn the_line_sums_accounts_and_names_the_restricted_ones() {
        let stats = LiveStats::new(0, &["alice", "bob", "carol"]);
        let accounts = stats.accounts();
        for (k, a) in accounts.iter().enumerate() {
            a.orders.store(10 * (k as u64 + 1), Ordering::Relaxed);
            a.realized_paise.store(-100, Ordering::Relaxed);
        }
        accounts[1].set_trading_state(TradingState::Halted);
        accounts[2].set_book_mismatch(Some("TCS: qty journal 5 vs broker 0 (off by +5)".into()));
        let line = format_line(&stats, 0.0, &LinkSnapshot::default());
        assert!(line.contains("| orders 60 (rejected 0) |"), "{line}");
        assert!(line.contains("| P&L -3.00 (realized -3.00) |"), "{line}");
        assert!(line.ends_with("| TRADING HALTED (NO ORDERS): bob | BOOKS DIFFER (carol): TCS: qty journal 5 vs broker 0 (off by +5)"), "{line}");
    }
}
