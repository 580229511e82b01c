//! One daemon, three accounts, driven only through its handle: the same signals traded by two
//! accounts with different sizing and risk limits, one of them halted mid-run while the other
//! keeps trading, and a third that follows no strategy and trades only by manual orders. Each
//! account keeps its own journal, broker book and client-id sequence.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sharewise_actors::{Event, EventFilter, EventKind, Shutdown};
use sharewise_config::Settings;
use sharewise_engine::types::Side;
use sharewise_live::control::{Command, CommandRequest};
use sharewise_live::daemon::{Daemon, DaemonOptions, FeedChoice};
use sharewise_live::feed::Pace;
use sharewise_risk::TradingState;
use sharewise_store::Journal;

/// SMA(2)/SMA(5) on the demo's ten symbols; `big` buys 20 shares a signal, `small` 5 with at most
/// ₹20 000 of gross exposure, `desk` follows nothing.
const ACCOUNTS: &str = r#"
[[run.strategies]]
name = "sma_cross"
params = { fast = 2, slow = 5 }

[[accounts]]
name = "big"
sizing = { method = "fixed_qty", value = "20" }

[[accounts]]
name = "small"
sizing = { method = "fixed_qty", value = "5" }
risk = { max_gross_exposure = "20000" }

[[accounts]]
name = "desk"
sizing = { method = "fixed_qty", value = "7" }
strategies = {}
"#;

fn options(dir: &std::path::Path) -> DaemonOptions {
    DaemonOptions {
        settings: Settings::from_toml_str(ACCOUNTS, "test").expect("settings"),
        data_dir: dir.to_path_buf(),
        feed: FeedChoice::Synthetic,
        pace: Some(Pace::Speed(2_000.0)),
        events: None,
        shutdown: Shutdown::new(),
        say: |_| {},
        on_forced: || {},
    }
}

fn request(account: &str, command: Command) -> CommandRequest {
    CommandRequest {
        account: account.into(),
        by: "test".into(),
        command,
    }
}

fn of<'a>(events: &'a [Event], account: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
    events
        .iter()
        .filter(move |e| e.account.as_deref() == Some(account))
}

#[test]
fn accounts_trade_the_same_signals_by_their_own_rules_and_never_share_state() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = Daemon::start(options(dir.path())).expect("start");
    assert_eq!(daemon.accounts(), ["big", "small", "desk"]);
    let mut rx = daemon.subscribe(EventFilter::all(), 1_000_000);
    let mut seen = Vec::new();

    // Both strategy accounts trade, and `small` soon meets its exposure cap.
    let filled = |events: &[Event], account: &str| {
        of(events, account).any(|e| matches!(e.kind, EventKind::Fill { .. }))
    };
    let capped = |events: &[Event], account: &str| {
        of(events, account).any(|e| {
            matches!(&e.kind, EventKind::RiskReject { code, .. } if code == "MAX_GROSS_EXPOSURE")
        })
    };
    while !(filled(&seen, "big") && filled(&seen, "small") && capped(&seen, "small")) {
        seen.extend(common::until(&mut rx, Duration::from_secs(60), |e| {
            matches!(
                e.kind,
                EventKind::Fill { .. } | EventKind::RiskReject { .. }
            )
        }));
    }

    // Halt `big` mid-run: its signals are refused from then on, while `small` keeps trading.
    daemon
        .command(request(
            "big",
            Command::SetTradingState {
                state: TradingState::Halted,
                reason: "test".into(),
            },
        ))
        .expect("halt big");
    let halted_at = daemon.last_seq();
    let after = |e: &Event| e.seq > halted_at;
    let small_accepts = |events: &[Event]| {
        of(events, "small").any(|e| after(e) && matches!(e.kind, EventKind::RiskAccept { .. }))
    };
    let big_refuses = |events: &[Event]| {
        of(events, "big").any(|e| {
            after(e) && matches!(&e.kind, EventKind::RiskReject { code, .. } if code == "HALTED")
        })
    };
    while !(small_accepts(&seen) && big_refuses(&seen)) {
        seen.extend(common::until(&mut rx, Duration::from_secs(60), |e| {
            after(e)
                && matches!(
                    e.kind,
                    EventKind::RiskAccept { .. } | EventKind::RiskReject { .. }
                )
        }));
    }
    assert!(
        !of(&seen, "big").any(|e| after(e) && matches!(e.kind, EventKind::RiskAccept { .. })),
        "big accepted an order after its halt"
    );
    assert_eq!(
        daemon.snapshot("big").unwrap().trading_state,
        TradingState::Halted
    );
    assert_eq!(
        daemon.snapshot("small").unwrap().trading_state,
        TradingState::Active
    );

    // `desk` follows no strategy: no signal reaches it; a manual order goes through its own
    // sizing and risk gate, fills, and is flattened on command.
    let ack = daemon
        .command(request(
            "desk",
            Command::PlaceOrder {
                symbol: "RELIANCE".into(),
                side: Side::Buy,
                stop_loss: None,
                take_profit: None,
            },
        ))
        .expect("manual order");
    assert_eq!(ack.message, "BUY 7 RELIANCE sent as order SW0000000001");
    let desk_holds = |qty: i64| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let snap = daemon.snapshot("desk").unwrap();
            let held = snap
                .positions
                .iter()
                .find(|p| p.symbol == "RELIANCE")
                .map_or(0, |p| p.qty);
            if held == qty && snap.working_orders.is_empty() {
                return snap;
            }
            assert!(Instant::now() < deadline, "desk holds {held}, not {qty}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let snap = desk_holds(7);
    assert!(
        snap.strategies.iter().all(|s| s.mode == "off"),
        "{:?}",
        snap.strategies
    );
    let refused = daemon
        .command(request(
            "big",
            Command::PlaceOrder {
                symbol: "RELIANCE".into(),
                side: Side::Buy,
                stop_loss: None,
                take_profit: None,
            },
        ))
        .unwrap_err();
    assert_eq!(refused.code, "HALTED", "{refused}");
    let ack = daemon
        .command(request(
            "desk",
            Command::Flatten {
                symbol: Some("RELIANCE".into()),
            },
        ))
        .expect("flatten desk");
    assert_eq!(ack.message, "1 exit order(s) sent");
    desk_holds(0);

    daemon.shutdown();
    let summary = daemon.join().expect("join");
    seen.extend(std::iter::from_fn(|| match rx.try_next() {
        Some(sharewise_actors::Delivery::Event(e)) => Some((*e).clone()),
        _ => None,
    }));

    // The same signals reached both strategy accounts, and none reached `desk`.
    assert_eq!(summary.events_dropped, 0, "every event was published");
    let signals = |account: &str| -> BTreeSet<(String, i64)> {
        of(&seen, account)
            .filter_map(|e| match &e.kind {
                EventKind::Signal { symbol, .. } => Some((symbol.clone(), e.ts)),
                _ => None,
            })
            .collect()
    };
    assert!(!signals("big").is_empty());
    assert_eq!(signals("big"), signals("small"));
    assert!(signals("desk").is_empty());

    // ... and were traded differently: 20 shares against 5, and only `small` hit its exposure cap.
    let fill_qtys = |account: &str| -> BTreeSet<i64> {
        of(&seen, account)
            .filter_map(|e| match &e.kind {
                EventKind::Fill { fill, .. } => Some(fill.qty),
                _ => None,
            })
            .collect()
    };
    assert_eq!(fill_qtys("big"), BTreeSet::from([20]));
    assert_eq!(fill_qtys("small"), BTreeSet::from([5]));
    assert!(capped(&seen, "small") && !capped(&seen, "big"));

    // Each account has its own journal, broker book and client ids, and its books agree.
    for account in &summary.accounts {
        assert_eq!(account.duplicate_placements, 0, "{}", account.dir.name);
        assert!(
            account.orders.differences.is_empty(),
            "{}: {:?}",
            account.dir.name,
            account.orders.differences
        );
    }
    drop(summary);
    let journal = |name: &str| {
        let path = dir.path().join("accounts").join(name).join("journal.redb");
        Journal::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let (big, small, desk) = (journal("big"), journal("small"), journal("desk"));
    for j in [&big, &small, &desk] {
        assert_eq!(j.orders().first().map(|o| o.client_id.0), Some(1));
    }
    assert_ne!(big.account_id(), small.account_id());
    assert_eq!(desk.orders().len(), 2, "the manual order and its exit");
    assert!(
        !dir.path().join("journal.redb").exists(),
        "no account `main`"
    );
    assert!(dir.path().join("feed.json").exists(), "one feed record");
}

/// An account joins a running daemon, trades, is flattened and leaves; its files stay and the
/// final summary still has it.
#[test]
fn an_account_added_while_running_trades_and_leaves_once_flat() {
    let dir = tempfile::tempdir().unwrap();
    let settings = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n\n[[accounts]]\nname = \"first\"\n";
    let daemon = Daemon::start(DaemonOptions {
        settings: Settings::from_toml_str(settings, "test").expect("settings"),
        ..options(dir.path())
    })
    .expect("start");
    let mut rx = daemon.subscribe(EventFilter::all(), 1_000_000);
    common::until(&mut rx, Duration::from_secs(60), |e| {
        matches!(e.kind, EventKind::Fill { .. })
    });

    let late = sharewise_config::AccountSection {
        name: "late".into(),
        sizing: Some(sharewise_config::SizingSection {
            method: "fixed_qty".into(),
            value: 3.into(),
        }),
        ..Default::default()
    };
    let ack = daemon.add_account("test", late.clone()).expect("add");
    assert!(ack.message.starts_with("account late added"), "{ack:?}");
    assert_eq!(daemon.accounts(), ["first", "late"]);
    let refused = daemon
        .add_account(
            "test",
            sharewise_config::AccountSection {
                name: "first".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        refused.message.contains("two accounts are named `first`"),
        "{refused}"
    );

    // It trades the same signals, by its own sizing.
    let seen = common::until(&mut rx, Duration::from_secs(60), |e| {
        e.account.as_deref() == Some("late") && matches!(e.kind, EventKind::Fill { .. })
    });
    let Some(EventKind::Fill { fill, .. }) = seen.last().map(|e| &e.kind) else {
        unreachable!()
    };
    assert_eq!(fill.qty, 3);

    // It leaves only once flat: stop following, flatten, wait, remove.
    daemon
        .command(request(
            "late",
            Command::SetStrategy {
                strategy: "sma_cross".into(),
                mode: None,
            },
        ))
        .expect("stop following");
    daemon
        .command(request("late", Command::Flatten { symbol: None }))
        .expect("flatten");
    let deadline = Instant::now() + Duration::from_secs(30);
    let removed = loop {
        match daemon.remove_account("test", "late") {
            Ok(ack) => break ack,
            Err(r) if r.code == "ACCOUNT_NOT_FLAT" && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(r) => panic!("{r}"),
        }
    };
    assert!(removed.message.contains("its books agree"), "{removed:?}");
    assert_eq!(daemon.accounts(), ["first"]);
    assert_eq!(
        daemon.remove_account("test", "late").unwrap_err().code,
        "UNKNOWN_ACCOUNT"
    );
    assert_eq!(daemon.snapshot("late").unwrap_err().code, "UNKNOWN_ACCOUNT");

    daemon.shutdown();
    let summary = daemon.join().expect("join");
    let late = summary
        .account("late")
        .expect("the removed account is summarised");
    assert!(late.positions.iter().all(|p| p.qty == 0));
    assert_eq!(late.duplicate_placements, 0);
    assert!(summary.account("first").is_some());
    assert!(dir.path().join("accounts/late/journal.redb").is_file());
}
