//! ShareWise live daemon: what `sharewise run` wires together.
//!
//! | module | what it is for |
//! | --- | --- |
//! | [`handle`] | `Daemon::start` → [`handle::DaemonHandle`]: events by `seq`, commands, snapshots, stop |
//! | [`launch`] | what a start opens and spawns: every account, the feed, engine, order, event and status threads |
//! | [`daemon`] | what a run is asked to do and what it did, the feed and strategy plan, and `run` |
//! | [`layout`] | where each account's journal and book live in the data directory |
//! | [`event_writer`] | `--events` as JSON lines: the daemon's own subscriber |
//! | [`control`] | the commands a running daemon takes, their answers, an account's snapshot |
//! | [`strategy_stage`] | ticks → bars → supervised strategies → decisions |
//! | [`account`] | the engine thread's accounts: each owns its positions, cash and risk; decisions → orders |
//! | [`order_actor`] | journal-before-act order lifecycle against a [`sharewise_brokers::Broker`] |
//! | [`broker`] | an account's broker: the paper exchange or a real broker's adapter (Kite) |
//! | [`kite`] | a Kite account's endpoint (Kite or a sandbox), its adapter and Kite's live feed |
//! | [`real`] | any real broker's account: the day's session from the vault, the journal stamped, the push stream, logins picked up |
//! | [`upstox`] | an Upstox account's endpoint (Upstox or a sandbox), its adapter (keys from the day's dump) and Upstox's live feed |
//! | [`startup`] | the journal and the broker book opened as a pair, reconciled, compared |
//! | [`pairing`] | the journal and the broker book belong to one account, or the start is refused |
//! | [`reconcile`] | restart: journal and broker brought into agreement before trading, without guessing |
//! | [`books`] | the journal's positions and P&L against the broker's |
//! | [`recover`] | a lost journal rebuilt from the broker's order and trade history |
//! | [`inspect`] | `sharewise reconcile`: both books compared on demand, nothing written |
//! | [`roster`] | accounts added to and removed from a running daemon |
//! | [`restore`] | restart: cash, positions, their exits and today's P&L from the journal |
//! | [`state_dir`] | a data directory is tied to one feed; symbols keep their instrument ids |
//! | [`feed`] | the demo feed, replays, and the feed thread's loop |
//! | [`progress`] | lockstep counters that make full-speed replays deterministic |
//! | [`messages`] | what the actors say to each other |
//! | [`stats`], [`status`] | counters and the status line |
//! | [`drops`] | ticks dropped and rows skipped, counted by reason and reported |
//!
//! The strategy and risk code is the backtester's: strategies from
//! [`sharewise_engine::strategy`], the signal → order decision from
//! [`sharewise_engine::intent`], the gate from [`sharewise_risk`].

pub mod account;
pub mod books;
pub mod broker;
pub mod control;
pub mod daemon;
pub mod drops;
pub mod error;
pub mod event_writer;
pub mod feed;
pub mod handle;
pub mod inspect;
pub mod kite;
pub mod launch;
pub mod layout;
pub mod messages;
mod off_async;
pub mod order_actor;
pub mod pairing;
pub mod progress;
pub mod real;
pub mod reconcile;
pub mod recover;
pub mod restore;
pub(crate) mod roster;
pub mod startup;
pub mod state_dir;
pub mod stats;
pub mod status;
pub mod strategy_stage;
pub mod upstox;

pub use daemon::{run, AccountSummary, DaemonOptions, DaemonSummary, FeedChoice};
pub use error::LiveError;
pub use feed::Pace;
