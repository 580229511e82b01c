//! Start: each account's two files opened as a pair, brought into agreement, and compared before
//! anything trades (accounts share `DATA/feed.json`; see [`crate::layout`]).
//!
//! 1. The journal (`journal.redb`) and the paper broker's book (`paper.json`) are looked at
//!    *before* either is created, and refused if they do not belong together
//!    ([`crate::pairing`]); then both are opened (created for a new account) and stamped with
//!    the book's account id.
//! 2. [`crate::reconcile`] books what the broker did that the journal lacks and settles orders
//!    left in flight; what it cannot prove starts the account `reducing`.
//! 3. The two books are compared ([`crate::books`]); a difference starts the account in
//!    `[run] on_book_mismatch` and is said loudly.
//! 4. The next client id is above every id the journal or the broker has seen.

use std::path::Path;

use sharewise_brokers::{Broker, PaperBroker, PaperConfig, SharedPaper};
use sharewise_config::{AccountPlan, BrokerKind, BrokerSection, Settings};
use sharewise_engine::types::Instrument;
use sharewise_risk::TradingState;
use sharewise_store::Journal;

use crate::books::{self, BookDifference};
use crate::broker::AccountBroker;
use crate::error::LiveError;
use crate::layout::AccountDir;
use crate::pairing::{self, FilesPresent, PairState};
use crate::reconcile::{reconcile, Reconciled};
use crate::state_dir;

/// The journal's file name in the data directory.
pub const JOURNAL_FILE: &str = "journal.redb";
/// The paper broker's book in the data directory.
pub const BOOK_FILE: &str = "paper.json";

/// Every account of the daemon, opened and reconciled, and the instruments they share.
pub struct OpenedAccounts {
    /// Symbols by instrument id (`DATA/feed.json`).
    pub symbols: Vec<String>,
    /// Instruments by id.
    pub instruments: Vec<Instrument>,
    /// The accounts, in the order of the plans.
    pub accounts: Vec<Opened>,
}

/// One account, opened and reconciled.
pub struct Opened {
    /// Its name and files.
    pub dir: AccountDir,
    /// The journal, in agreement with the broker as far as the broker's books prove.
    pub journal: Journal,
    /// The account's broker.
    pub broker: AccountBroker,
    /// What reconciliation did.
    pub reconciled: Reconciled,
    /// Where the books disagreed after reconciliation (empty: they agree).
    pub differences: Vec<BookDifference>,
    /// The first client id to use.
    pub next_client_id: u64,
    /// The state to start trading in (`None`: active).
    pub trading_state: Option<(TradingState, String)>,
}

impl Opened {
    /// Symbols where the books disagree: the account places no orders in them.
    pub fn disputed(&self) -> Vec<String> {
        self.differences.iter().map(|d| d.symbol.clone()).collect()
    }
}

/// The paper broker's settings from `[paper]` and `[backtest]`.
pub fn paper_config(settings: &Settings) -> Result<PaperConfig, LiveError> {
    Ok(PaperConfig {
        opening_cash: settings.backtest.cash,
        slippage_ticks: settings.paper.slippage_ticks,
        max_fill_pct: settings.paper.max_fill_pct,
        latency_ns: settings.paper.latency_ms as i64 * 1_000_000,
        commission: settings.commission().map_err(LiveError::Settings)?,
    })
}

/// Instruments for `symbols` (id = index).
pub fn instruments_of(symbols: &[String]) -> Vec<Instrument> {
    symbols
        .iter()
        .enumerate()
        .map(|(i, s)| Instrument::nse_equity(i as u32, s))
        .collect()
}

/// The fault drills' slow disk: `SW_TEST_JOURNAL_DELAY_MS=20` makes every journal commit wait
/// 20 ms (outside the `SHAREWISE_` settings on purpose: it is not a setting).
fn test_commit_delay() -> Option<std::time::Duration> {
    let ms: u64 = std::env::var("SW_TEST_JOURNAL_DELAY_MS")
        .ok()?
        .parse()
        .ok()?;
    (ms > 0).then(|| std::time::Duration::from_millis(ms.min(10_000)))
}

/// Opens, pairs, reconciles and compares every account of `plans` under the data directory
/// `root`, traded by feed `feed` carrying `fed` (see the module docs); `say` tells the operator
/// what changed. Every account is checked before anything is written: a refused start leaves
/// the directory as it found it.
pub fn open_accounts(
    root: &Path,
    plans: &[AccountPlan],
    feed: &str,
    fed: &[String],
    rt: &tokio::runtime::Runtime,
    say: fn(&str),
) -> Result<OpenedAccounts, LiveError> {
    let mut checked = Vec::with_capacity(plans.len());
    for plan in plans {
        let dir = AccountDir::new(root, &plan.name);
        let journal = match plan.broker {
            BrokerKind::Paper => check_pair(&dir, &plan.settings)?,
            _ => check_real(&dir)?,
        };
        checked.push((dir, journal));
    }
    // Positions in symbols the feed no longer carries stay booked (and visible), untraded.
    let held: Vec<String> = checked
        .iter()
        .flat_map(|(_, j)| j.iter().flat_map(|j| j.positions()))
        .map(|p| p.symbol)
        .collect();
    let symbols = state_dir::claim(root, feed, fed.iter().cloned().chain(held))?;
    let instruments = instruments_of(&symbols);
    let named = plans.len() > 1;
    let mut accounts = Vec::with_capacity(plans.len());
    for ((dir, journal), plan) in checked.into_iter().zip(plans) {
        let account = Account {
            dir,
            settings: &plan.settings,
            real: real_of(plan),
            instruments: &instruments,
            symbols: &symbols,
            named,
        };
        accounts.push(open_one(account, journal, rt, say)?);
    }
    Ok(OpenedAccounts {
        symbols,
        instruments,
        accounts,
    })
}

/// A real broker account's broker and connection; `None` for a paper account.
pub(crate) fn real_of(plan: &AccountPlan) -> Option<(BrokerKind, &BrokerSection)> {
    plan.connection.as_ref().map(|c| (plan.broker, c))
}

/// What [`open_one`] opens an account with.
pub(crate) struct Account<'a> {
    pub(crate) dir: AccountDir,
    pub(crate) settings: &'a Settings,
    /// A real broker account's broker and connection (`None`: a paper account).
    pub(crate) real: Option<(BrokerKind, &'a BrokerSection)>,
    pub(crate) instruments: &'a [Instrument],
    pub(crate) symbols: &'a [String],
    /// Several accounts: name this one in what is said.
    pub(crate) named: bool,
}

/// Opens one checked account: its journal and book (created for a new account) stamped as a
/// pair, reconciled and compared.
pub(crate) fn open_one(
    account: Account<'_>,
    journal: Option<Journal>,
    rt: &tokio::runtime::Runtime,
    say: fn(&str),
) -> Result<Opened, LiveError> {
    let Account {
        dir,
        settings,
        real,
        instruments,
        symbols,
        named,
    } = account;
    std::fs::create_dir_all(&dir.dir)
        .map_err(|e| LiveError::io(format!("cannot create {}", dir.dir.display()), e))?;
    let mut journal = match journal {
        Some(j) => j,
        None => Journal::open(dir.journal())?,
    };
    journal.set_commit_delay(test_commit_delay());
    let (broker, broker_max, needs_login) = match real {
        None => {
            let (paper, max) = open_paper(&dir, settings, instruments, &mut journal)?;
            (paper, max, None)
        }
        Some((kind, section)) => {
            let (account, needs_login) = crate::real::open_stamped(
                kind,
                &dir,
                section,
                settings,
                instruments,
                &mut journal,
                rt,
            )?;
            (account, None, needs_login)
        }
    };

    if let Some(why) = needs_login {
        // Nothing leaves without a session (each order is refused, named as such); the login,
        // when it comes, sweeps and compares the books.
        say(&format!(
            "account {}: {why}; it sends no order until then",
            dir.name
        ));
        let next_client_id = journal.next_client_id().0.max(1);
        return Ok(Opened {
            dir,
            journal,
            broker,
            reconciled: Reconciled::default(),
            differences: Vec::new(),
            next_client_id,
            trading_state: None,
        });
    }
    let reconciled = rt.block_on(reconcile(&mut journal, &broker))?;
    let whose = if named {
        format!(" ({})", dir.name)
    } else {
        String::new()
    };
    for line in &reconciled.changes {
        say(&format!("reconcile{whose}: {line}"));
    }
    let broker_positions = rt.block_on(broker.positions()).map_err(LiveError::Broker)?;
    let compare = crate::launch::compare_of(&broker);
    let differences = books::differences(&journal.positions(), &broker_positions, symbols, compare);
    let trading_state = starting_state(&dir, settings, &reconciled, &differences, say);
    let above = |id: Option<sharewise_engine::types::ClientOrderId>| id.map_or(1, |i| i.0 + 1);
    let next_client_id = journal
        .next_client_id()
        .0
        .max(above(reconciled.broker_max_id))
        .max(above(broker_max));
    Ok(Opened {
        dir,
        journal,
        broker,
        reconciled,
        differences,
        next_client_id,
        trading_state,
    })
}

/// The account's paper book (created for a new account), stamped as a pair with `journal`; the
/// highest client id it has seen.
fn open_paper(
    dir: &AccountDir,
    settings: &Settings,
    instruments: &[Instrument],
    journal: &mut Journal,
) -> Result<
    (
        AccountBroker,
        Option<sharewise_engine::types::ClientOrderId>,
    ),
    LiveError,
> {
    let mut book = PaperBroker::open(dir.book(), paper_config(settings)?, instruments.to_vec())?;
    let account_id = book.stamp_account()?;
    journal.stamp_account(&account_id)?;
    let max = book.max_tag();
    Ok((AccountBroker::Paper(SharedPaper::new(book)), max))
}

/// Looks at a real broker account's folder without writing anything: its journal, if any, and no
/// paper book (an account that traded on paper keeps that journal; a broker account needs a
/// name of its own). Returns the journal when it exists.
pub(crate) fn check_real(dir: &AccountDir) -> Result<Option<Journal>, LiveError> {
    if dir.book().exists() {
        return Err(LiveError::Pairing(format!(
            "{} holds a paper book, but account `{}` now trades through a broker: its journal \
             belongs to that paper book. Give the broker account a new [[accounts]] name (or move \
             {} away)",
            dir.dir.display(),
            dir.name,
            dir.dir.display()
        )));
    }
    if dir.journal().exists() {
        Ok(Some(Journal::open(dir.journal())?))
    } else {
        Ok(None)
    }
}

/// Looks at the account's journal and broker book and the data directory's `feed.json` without
/// writing anything: refuses a pair that does not belong together ([`crate::pairing`]) and a
/// traded account whose `feed.json` is gone. Returns the journal when it exists.
pub(crate) fn check_pair(
    dir: &AccountDir,
    settings: &Settings,
) -> Result<Option<Journal>, LiveError> {
    let (journal_path, book_path) = (dir.journal(), dir.book());
    let present = FilesPresent::look(&journal_path, &book_path);
    let journal = if present.journal {
        Some(Journal::open(&journal_path)?)
    } else {
        None
    };
    let (book_account, book_fresh) = match present.book {
        true => {
            let book = PaperBroker::open_read_only(&book_path, paper_config(settings)?, [])?;
            (book.account_id().to_string(), book.is_fresh())
        }
        false => (String::new(), true),
    };
    let journal_events = journal.as_ref().map_or(0, |j| j.state().last_seq());
    let journal_account = journal.as_ref().and_then(|j| j.account_id());
    pairing::check(
        &journal_path,
        &book_path,
        present,
        &PairState {
            journal_events,
            journal_account,
            book_account: &book_account,
            book_fresh,
        },
    )?;
    let feed_file = dir.feed_file();
    if !feed_file.exists() && (journal_events > 0 || !book_fresh) {
        return Err(LiveError::Pairing(format!(
            "{} is missing but {} and {} have traded: it maps the broker book's instrument ids to symbols, and a new one would renumber them. Restore {} from a backup (it lists the symbols in instrument-id order)",
            feed_file.display(),
            journal_path.display(),
            book_path.display(),
            feed_file.display()
        )));
    }
    Ok(journal)
}

/// The state the account starts in, said aloud: `reducing` while reconciliation left orders
/// unresolved, `[run] on_book_mismatch` while the books differ (the stricter wins); `None`:
/// active.
fn starting_state(
    dir: &AccountDir,
    settings: &Settings,
    reconciled: &Reconciled,
    differences: &[BookDifference],
    say: fn(&str),
) -> Option<(TradingState, String)> {
    let mut trading_state = None;
    if !reconciled.unresolved.is_empty() {
        for line in &reconciled.unresolved {
            say(&format!("reconcile: UNRESOLVED {line}"));
        }
        let reason = format!(
            "{} order(s) unresolved at start (see `sharewise reconcile {}`)",
            reconciled.unresolved.len(),
            dir.flags()
        );
        say(&format!(
            "account {} starts reducing (exits only): {reason}",
            dir.name
        ));
        trading_state = Some((TradingState::Reducing, reason));
    }
    if !differences.is_empty() {
        let what = books::describe(differences);
        let state = settings.run.on_book_mismatch;
        say(&format!(
            "BOOKS DIFFER at start: {what}; account {} starts {}",
            dir.name,
            state.describe()
        ));
        if trading_state.as_ref().is_none_or(|(s, _)| *s < state) {
            trading_state = Some((
                state,
                format!("journal and broker disagree at start: {what}"),
            ));
        }
    }
    trading_state
}
