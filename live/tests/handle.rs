//! A running daemon driven only through its handle: events by `seq` to several subscribers, the
//! kill switch mid-run, a flatten, snapshots, and a subscriber that comes back.

mod common;

use std::time::{Duration, Instant};

use sharewise_actors::{Delivery, EventFilter, EventKind, EventReceiver, Shutdown};
use sharewise_config::Settings;
use sharewise_live::control::{Command, CommandRequest};
use sharewise_live::daemon::{Daemon, DaemonOptions, FeedChoice};
use sharewise_live::feed::Pace;
use sharewise_live::handle::DEFAULT_ACCOUNT;
use sharewise_risk::TradingState;

/// SMA(2)/SMA(5) on 1-minute bars over the demo's ten symbols: orders every few simulated minutes.
const FAST: &str = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n";

fn options(dir: &std::path::Path) -> DaemonOptions {
    DaemonOptions {
        settings: Settings::from_toml_str(FAST, "test").expect("settings"),
        data_dir: dir.to_path_buf(),
        feed: FeedChoice::Synthetic,
        pace: Some(Pace::Speed(2_000.0)),
        events: Some(dir.join("events.jsonl")),
        shutdown: Shutdown::new(),
        say: |_| {},
        on_forced: || {},
    }
}

/// [`common::until`] on the event's kind.
fn until(
    rx: &mut EventReceiver,
    within: Duration,
    want: impl Fn(&EventKind) -> bool,
) -> Vec<sharewise_actors::Event> {
    common::until(rx, within, |e| want(&e.kind))
}

fn request(command: Command) -> CommandRequest {
    CommandRequest {
        account: DEFAULT_ACCOUNT.into(),
        by: "test".into(),
        command,
    }
}

#[test]
fn halted_mid_run_the_account_sends_no_orders_then_flattens_when_reducing() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = Daemon::start(options(dir.path())).expect("start");
    let mut all = daemon.subscribe(EventFilter::all(), 100_000);
    let orders_only = EventFilter {
        types: Some(vec!["order".into()]),
        account: Some(DEFAULT_ACCOUNT.into()),
    };
    let mut orders = daemon.subscribe(orders_only, 100_000);

    // Trading: an order is placed and filled.
    until(&mut all, Duration::from_secs(60), |k| {
        matches!(k, EventKind::Fill { .. })
    });

    // The kill switch, mid-run.
    let ack = daemon
        .command(request(Command::SetTradingState {
            state: TradingState::Halted,
            reason: "end of day".into(),
        }))
        .expect("halt");
    assert!(ack.message.contains("halted"), "{ack:?}");
    let halted_at = until(&mut all, Duration::from_secs(10), |k| {
        matches!(k, EventKind::Command { .. })
    })
    .last()
    .unwrap()
    .seq;
    // Signals go on and are refused with HALTED; no order is accepted after the command.
    let after = until(
        &mut all,
        Duration::from_secs(60),
        |k| matches!(k, EventKind::RiskReject { code, .. } if code == "HALTED"),
    );
    assert!(
        after
            .iter()
            .all(|e| !matches!(e.kind, EventKind::RiskAccept { .. }) || e.seq < halted_at),
        "an order was accepted after the halt"
    );
    let snapshot = daemon.snapshot(DEFAULT_ACCOUNT).expect("snapshot");
    assert_eq!(snapshot.trading_state, TradingState::Halted);
    assert!(
        snapshot.trading_reason.contains("end of day (by test)"),
        "{}",
        snapshot.trading_reason
    );

    // Flatten is refused while halted (it would send orders), done once reducing.
    let refused = daemon
        .command(request(Command::Flatten { symbol: None }))
        .unwrap_err();
    assert_eq!(refused.code, "HALTED");
    daemon
        .command(request(Command::SetTradingState {
            state: TradingState::Reducing,
            reason: "flatten".into(),
        }))
        .expect("reducing");
    assert!(
        daemon
            .snapshot(DEFAULT_ACCOUNT)
            .unwrap()
            .positions
            .iter()
            .any(|p| p.qty != 0),
        "something to flatten"
    );
    let ack = daemon
        .command(request(Command::Flatten { symbol: None }))
        .expect("flatten");
    // One exit per symbol held or still filling (ticks move on between the snapshot and this).
    let sent: usize = ack
        .message
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        sent >= 1 && ack.message.ends_with("exit order(s) sent"),
        "{ack:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while daemon
        .snapshot(DEFAULT_ACCOUNT)
        .unwrap()
        .positions
        .iter()
        .any(|p| p.qty != 0)
    {
        assert!(
            Instant::now() < deadline,
            "still holding: {:?}",
            daemon.snapshot(DEFAULT_ACCOUNT).unwrap().positions
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A refused command names the account; every command is an audit event.
    let unknown = daemon
        .command(CommandRequest {
            account: "nobody".into(),
            ..request(Command::Flatten { symbol: None })
        })
        .unwrap_err();
    assert_eq!(unknown.code, "UNKNOWN_ACCOUNT");

    // A subscriber that comes back resumes after the last seq it saw.
    let seen = daemon.last_seq();
    let mut back = daemon.subscribe_after(halted_at - 1, EventFilter::all(), 100_000);
    match back.try_next() {
        Some(Delivery::Event(e)) => assert_eq!(e.seq, halted_at),
        other => panic!("expected event #{halted_at}, got {other:?}"),
    }
    assert!(seen >= halted_at);

    daemon.shutdown();
    let summary = daemon.join().expect("join");
    let main = summary.account(DEFAULT_ACCOUNT).expect("the main account");
    assert_eq!(main.duplicate_placements, 0);
    assert!(
        main.orders.differences.is_empty(),
        "{:?}",
        main.orders.differences
    );

    // The order subscriber saw only orders of this account, in seq order.
    let mut last = 0;
    while let Some(d) = orders.try_next() {
        let Delivery::Event(e) = d else {
            panic!("the order subscriber was not slow: {d:?}")
        };
        assert_eq!(
            (e.type_name(), e.account.as_deref()),
            ("order", Some(DEFAULT_ACCOUNT))
        );
        assert!(e.seq > last);
        last = e.seq;
    }
    assert!(last > 0);

    // --events has every event with its seq, the commands among them.
    let text = std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .windows(2)
            .all(|w| w[1]["seq"].as_u64() > w[0]["seq"].as_u64()),
        "seq increases line by line"
    );
    let commands: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["type"] == "command").collect();
    assert_eq!(commands.len(), 5, "{commands:?}");
    assert_eq!(
        (
            commands[0]["by"].as_str(),
            commands[0]["ok"].as_bool(),
            commands[0]["account"].as_str()
        ),
        (Some("test"), Some(true), Some(DEFAULT_ACCOUNT))
    );
    assert_eq!(commands[1]["ok"].as_bool(), Some(false));
}

#[test]
fn a_daemon_driven_from_inside_an_async_runtime_starts_adds_removes_and_joins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let summary = runtime.block_on(async {
        let daemon = Daemon::start(options(dir.path())).expect("start");
        let mut rx = daemon.subscribe(EventFilter::all(), 100_000);
        let placed = until(&mut rx, Duration::from_secs(60), |k| {
            matches!(k, EventKind::Fill { .. })
        });
        assert!(!placed.is_empty(), "no fill within a minute");
        let second = sharewise_config::AccountSection {
            name: "second".into(),
            ..Default::default()
        };
        daemon.add_account("test", second).expect("add an account");
        daemon
            .remove_account("test", "second")
            .expect("remove it, flat");
        daemon.shutdown();
        daemon.join()
    });
    let summary = summary.expect("join inside a runtime");
    let main = summary.account(DEFAULT_ACCOUNT).expect("the main account");
    assert_eq!(main.duplicate_placements, 0);
}
