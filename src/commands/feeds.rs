//! `sharewise feeds decode kite FILE [--json]`: recorded KiteTicker binary messages → ticks.
//!
//! The file holds the ticker WebSocket's binary messages as received, each preceded by its length
//! as a 4-byte big-endian integer. Every tick prints as one line (or, with `--json`, one JSON
//! object with the field names Zerodha's clients use, prices as decimal strings). A message that
//! cannot be read is reported on stderr with its number and byte offset and the rest are still
//! decoded; the command then exits 1.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use sharewise_kite::ticker::{Frame, KiteTick, Layout, TickJson};

/// `sharewise feeds ...`.
#[derive(Args)]
pub struct FeedsArgs {
    #[command(subcommand)]
    command: FeedsCommand,
}

#[derive(Subcommand)]
enum FeedsCommand {
    /// Decode a file of recorded binary feed messages (each prefixed by its 4-byte big-endian length).
    Decode(DecodeArgs),
}

/// Whose feed format the file holds.
#[derive(Clone, Copy, ValueEnum)]
enum FeedFormat {
    /// KiteTicker binary messages (Zerodha).
    Kite,
}

#[derive(Args)]
struct DecodeArgs {
    /// The feed's format.
    format: FeedFormat,
    /// The recorded messages.
    file: PathBuf,
    /// One JSON object per tick (Zerodha's client field names; prices as decimal strings).
    #[arg(long)]
    json: bool,
}

/// Runs `sharewise feeds ...`.
pub fn run(args: FeedsArgs) -> Result<()> {
    match args.command {
        FeedsCommand::Decode(args) => match args.format {
            FeedFormat::Kite => decode_kite(&args),
        },
    }
}

/// What one pass over the file found.
#[derive(Default)]
struct Tally {
    messages: u64,
    heartbeats: u64,
    ticks: u64,
    bad_messages: u64,
    bad_packets: u64,
}

fn decode_kite(args: &DecodeArgs) -> Result<()> {
    let data = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut tally = Tally::default();
    let mut at = 0usize;
    while at < data.len() {
        let number = tally.messages + 1;
        let Some(head) = data.get(at..at + 4) else {
            bail!(
                "{}: {} stray bytes at offset {at} after message {}: a message starts with its \
                 4-byte big-endian length",
                args.file.display(),
                data.len() - at,
                tally.messages
            );
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let Some(message) = data.get(at + 4..at + 4 + len) else {
            bail!(
                "{}: message {number} at offset {at} says it has {len} bytes, but only {} are left \
                 (the file is cut short, or this is not a length-prefixed recording)",
                args.file.display(),
                data.len() - at - 4
            );
        };
        tally.messages += 1;
        match Frame::parse(message) {
            Ok(frame) if frame.is_heartbeat() => tally.heartbeats += 1,
            Ok(frame) => {
                for (k, tick) in frame.into_iter().enumerate() {
                    match tick {
                        Ok(tick) => {
                            tally.ticks += 1;
                            print_tick(&mut out, &tick, args.json)?;
                        }
                        Err(e) => {
                            tally.bad_packets += 1;
                            note!("message {number} (offset {at}), packet {}: {e}", k + 1);
                        }
                    }
                }
            }
            Err(e) => {
                tally.bad_messages += 1;
                note!("message {number} (offset {at}): {e}");
            }
        }
        at += 4 + len;
    }
    out.flush().ok();
    note!(
        "{} messages ({} heartbeats), {} ticks; {} unreadable messages, {} unreadable packets",
        tally.messages,
        tally.heartbeats,
        tally.ticks,
        tally.bad_messages,
        tally.bad_packets
    );
    if tally.bad_messages + tally.bad_packets > 0 {
        bail!(
            "some of {} could not be decoded (see the notes above)",
            args.file.display()
        );
    }
    Ok(())
}

fn print_tick(out: &mut impl std::io::Write, tick: &KiteTick, json: bool) -> Result<()> {
    let written = if json {
        serde_json::to_writer(&mut *out, &TickJson::from(tick))
            .map_err(std::io::Error::other)
            .and_then(|()| out.write_all(b"\n"))
    } else {
        let mut line = format!(
            "{} {} {}",
            tick.token,
            tick.layout.mode(),
            tick.decimal(tick.last_price)
        );
        if tick.layout.has_quantities() {
            line += &format!(
                " qty {} avg {} vol {} buy {} sell {}",
                tick.last_traded_qty,
                tick.decimal(tick.average_price),
                tick.volume,
                tick.total_buy_qty,
                tick.total_sell_qty
            );
        }
        if tick.layout.has_ohlc() {
            let o = tick.ohlc;
            line += &format!(
                " ohlc {}/{}/{}/{}",
                tick.decimal(o.open),
                tick.decimal(o.high),
                tick.decimal(o.low),
                tick.decimal(o.close)
            );
        }
        if tick.layout == Layout::Full {
            let (bid, ask) = (tick.depth.buy[0], tick.depth.sell[0]);
            line += &format!(
                " bid {}x{} ask {}x{}",
                tick.decimal(bid.price),
                bid.qty,
                tick.decimal(ask.price),
                ask.qty
            );
        }
        writeln!(out, "{line}")
    };
    match written {
        // A reader that went away (`| head`) ends the output, not the command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
