//! One instrument as the master knows it: where it trades, its grid, and each broker's name for
//! it.

use sharewise_engine::types::{Exchange, Price};

/// The market an instrument is listed on, as the brokers' dumps name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Market {
    /// NSE cash equities.
    Nse,
    /// BSE cash equities.
    Bse,
    /// NSE futures and options.
    Nfo,
    /// BSE futures and options.
    Bfo,
    /// NSE currency derivatives.
    Cds,
    /// BSE currency derivatives.
    Bcd,
    /// MCX commodities.
    Mcx,
}

impl Market {
    /// Every market, in the order above.
    pub const ALL: [Market; 7] = [
        Market::Nse,
        Market::Bse,
        Market::Nfo,
        Market::Bfo,
        Market::Cds,
        Market::Bcd,
        Market::Mcx,
    ];

    /// The code the dumps and the order APIs use: `NSE`, `BSE`, `NFO`, `BFO`, `CDS`, `BCD`, `MCX`.
    pub const fn code(self) -> &'static str {
        match self {
            Market::Nse => "NSE",
            Market::Bse => "BSE",
            Market::Nfo => "NFO",
            Market::Bfo => "BFO",
            Market::Cds => "CDS",
            Market::Bcd => "BCD",
            Market::Mcx => "MCX",
        }
    }

    /// The market a code names (case-sensitive, as the dumps write it).
    pub fn from_code(code: &str) -> Option<Market> {
        Market::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The engine's exchange for a cash-equity market; `None` for derivatives.
    pub const fn equity_exchange(self) -> Option<Exchange> {
        match self {
            Market::Nse => Some(Exchange::Nse),
            Market::Bse => Some(Exchange::Bse),
            _ => None,
        }
    }
}

impl std::fmt::Display for Market {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What kind of instrument it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A share, ETF or other cash instrument (`EQ`).
    Equity,
    /// A future (`FUT`).
    Future,
    /// A call option (`CE`).
    Call,
    /// A put option (`PE`).
    Put,
    /// An index: quoted, never traded.
    Index,
}

impl Kind {
    /// The kind a dump's `instrument_type` names (`EQ`, `FUT`, `CE`, `PE`; an index is `EQ` in
    /// the `INDICES` segment, decided by the caller).
    pub fn from_code(code: &str) -> Option<Kind> {
        match code {
            "EQ" => Some(Kind::Equity),
            "FUT" => Some(Kind::Future),
            "CE" => Some(Kind::Call),
            "PE" => Some(Kind::Put),
            _ => None,
        }
    }
}

/// Each broker's handle on one instrument.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BrokerIds {
    /// Kite's `instrument_token` (ticker subscriptions, historical candles).
    pub kite_token: Option<u32>,
    /// Upstox's instrument key, e.g. `NSE_EQ|INE848E01016`.
    pub upstox_key: Option<String>,
    /// AliceBlue's token from its contract master (the exchange token).
    pub aliceblue_token: Option<u32>,
}

/// One listed instrument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// Where it is listed.
    pub market: Market,
    /// The trading symbol, e.g. `INFY`, `NIFTY26JAN24000CE`.
    pub symbol: String,
    /// The issuer's or underlying's name.
    pub name: String,
    /// Share, future, option, index.
    pub kind: Kind,
    /// The exchange's token for it (the same for every broker).
    pub exchange_token: u32,
    /// The smallest price step.
    pub tick_size: Price,
    /// The smallest quantity step (1 for cash equities).
    pub lot_size: u32,
    /// The largest quantity one order may carry (F&O freeze limits); `None` when the exchange
    /// sets none for it.
    pub freeze_qty: Option<u32>,
    /// Expiry, as an IST day number (derivatives only).
    pub expiry: Option<i64>,
    /// Strike (options only).
    pub strike: Option<Price>,
    /// Each broker's name for it.
    pub ids: BrokerIds,
}

impl Listing {
    /// Whether `price` lies on the tick grid.
    pub fn on_tick(&self, price: Price) -> bool {
        self.tick_size.0 <= 0 || price.0 % self.tick_size.0 == 0
    }

    /// Whether `qty` is a whole number of lots.
    pub fn whole_lots(&self, qty: i64) -> bool {
        qty % i64::from(self.lot_size.max(1)) == 0
    }
}
