//! What every call of an account passes before and after it goes out: the session (no request
//! on a token the broker has refused), the circuit breaker (no request while the broker is down,
//! one probe after a pause), and the broker's rate limits per endpoint class (waited for, not
//! exceeded).
//!
//! The gate changes the account's [`SessionState`] and says so: each change is returned to the
//! caller, which pushes it to the account's subscriber.

use std::time::{Duration, Instant};

use sharewise_brokers::{BrokerError, ErrorKind, SessionState};
use sharewise_net::{Breaker, RateLimit, Window};

use crate::CallFailure;

/// Which class of a broker's rate limits a call counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Place, modify, cancel (and SEBI's 10 orders/s per client).
    Orders,
    /// Every other endpoint.
    Reads,
    /// Historical candles.
    History,
}

/// The broker a gate guards, for its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Venue {
    /// The broker's name, e.g. `Kite`.
    pub name: &'static str,
    /// When its sessions end, e.g. `06:00 IST`.
    pub session_ends: &'static str,
}

/// The longest a call waits for room in its rate limit before it is refused as `RateLimited`
/// (a day's order budget spent does not make the order actor wait for tomorrow).
pub const MAX_RATE_WAIT: Duration = Duration::from_secs(2);

/// Limits and breaker settings of one account (each adapter gives its broker's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateConfig {
    /// Order calls.
    pub orders: Vec<Window>,
    /// Other calls.
    pub reads: Vec<Window>,
    /// Historical candles.
    pub history: Vec<Window>,
    /// Consecutive failures that open the breaker.
    pub breaker_threshold: u32,
    /// How long the breaker stays open before a probe.
    pub breaker_open_for: Duration,
}

/// The gate's state (held under the account's lock, never across an await).
#[derive(Debug)]
pub struct Gate<T> {
    venue: Venue,
    token: Option<T>,
    /// When the token stops working (the broker's daily end after the login), if known.
    expires_at: Option<std::time::SystemTime>,
    session: SessionState,
    breaker: Breaker,
    orders: RateLimit,
    reads: RateLimit,
    history: RateLimit,
}

/// What a call may do now.
#[derive(Debug)]
pub enum Admit<T> {
    /// Go, with this token.
    Go(T),
    /// Wait this long for the rate limit, then ask again.
    Wait(Duration),
}

impl<T: Clone + PartialEq> Gate<T> {
    /// A gate of `venue` with `config`, logged in when `token` is given.
    pub fn new(venue: Venue, config: &GateConfig, token: Option<T>) -> Gate<T> {
        let session = match &token {
            Some(_) => SessionState::Connected,
            None => SessionState::NeedsLogin {
                reason: "no session yet: run `sharewise broker login`".into(),
            },
        };
        Gate {
            venue,
            token,
            expires_at: None,
            session,
            breaker: Breaker::new(config.breaker_threshold, config.breaker_open_for),
            orders: RateLimit::new(&config.orders),
            reads: RateLimit::new(&config.reads),
            history: RateLimit::new(&config.history),
        }
    }

    /// The session's state.
    pub fn session(&self) -> &SessionState {
        &self.session
    }

    /// The token, unless the session needs a login or has passed its expiry.
    pub fn token(&self) -> Option<T> {
        let expired = self
            .expires_at
            .is_some_and(|at| std::time::SystemTime::now() >= at);
        match self.session {
            SessionState::NeedsLogin { .. } => None,
            _ if expired => None,
            _ => self.token.clone(),
        }
    }

    /// The session ends at `at` (wall clock): no request goes out on its token after it.
    pub fn expire_at(&mut self, at: std::time::SystemTime) {
        self.expires_at = Some(at);
    }

    /// At `now` (wall clock), ends a session past its expiry; the new state if it changed.
    pub fn expire_if_due(&mut self, now: std::time::SystemTime) -> Option<SessionState> {
        let due = self.expires_at.is_some_and(|at| now >= at);
        if !due || matches!(self.session, SessionState::NeedsLogin { .. }) {
            return None;
        }
        self.token = None;
        self.session = SessionState::NeedsLogin {
            reason: format!(
                "the day's session has ended ({} ends them at {})",
                self.venue.name, self.venue.session_ends
            ),
        };
        Some(self.session.clone())
    }

    /// How many times the breaker has opened.
    pub fn times_opened(&self) -> u64 {
        self.breaker.times_opened()
    }

    /// Whether a call in `lane` may go at `now`: refused without a request when the session
    /// needs a login or the breaker is open.
    pub fn admit(&mut self, lane: Lane, now: Instant) -> Result<Admit<T>, BrokerError> {
        let token = match (&self.session, &self.token) {
            (SessionState::NeedsLogin { reason }, _) => Err(reason.clone()),
            (_, None) => Err("no access token".to_string()),
            (_, Some(token)) => Ok(token.clone()),
        }
        .map_err(|reason| {
            BrokerError::new(
                ErrorKind::AuthExpired,
                format!(
                    "not sent: the {} session needs a new login ({reason})",
                    self.venue.name
                ),
            )
        })?;
        let limit = match lane {
            Lane::Orders => &mut self.orders,
            Lane::Reads => &mut self.reads,
            Lane::History => &mut self.history,
        };
        // The rate limit is asked first, so a breaker's one probe is let through only when it
        // can go at once.
        match limit.wait(now) {
            wait if wait > MAX_RATE_WAIT => {
                return Err(BrokerError::new(
                    ErrorKind::RateLimited,
                    format!(
                        "not sent: {}'s {lane:?} rate limit is spent; room again in {wait:?}",
                        self.venue.name
                    ),
                ))
            }
            wait if wait > Duration::ZERO => return Ok(Admit::Wait(wait)),
            _ => {}
        }
        if let Err(refused) = self.breaker.allow(now) {
            return Err(BrokerError::new(
                ErrorKind::Upstream,
                format!("not sent: {} is failing ({refused})", self.venue.name),
            ));
        }
        match limit.try_acquire(now) {
            Ok(()) => Ok(Admit::Go(token)),
            Err(wait) => Ok(Admit::Wait(wait)),
        }
    }

    /// Records the outcome of a call made with `used`; the new session state if it changed. A
    /// refusal of a token that is no longer the session's (a login happened while the call was
    /// out) changes nothing.
    pub fn record(
        &mut self,
        outcome: Result<(), &CallFailure>,
        used: &T,
        now: Instant,
    ) -> Option<SessionState> {
        if let Err(CallFailure::Answered(e)) = outcome {
            if e.kind == ErrorKind::AuthExpired && self.token.as_ref() != Some(used) {
                return None;
            }
        }
        let before = self.session.clone();
        match outcome {
            Ok(()) => {
                self.breaker.success();
                if matches!(self.session, SessionState::Down { .. }) {
                    self.session = SessionState::Connected;
                }
            }
            Err(CallFailure::Answered(e)) if e.kind == ErrorKind::AuthExpired => {
                self.breaker.success();
                self.token = None;
                self.session = SessionState::NeedsLogin {
                    reason: format!("{} refused the token: {}", self.venue.name, e.message),
                };
            }
            Err(failure) => {
                let broker_side = match failure {
                    CallFailure::Answered(e) => e.kind == ErrorKind::Upstream,
                    CallFailure::NotSent(_) | CallFailure::NoAnswer(_) => true,
                    CallFailure::Held(_) => return None,
                };
                if broker_side {
                    self.breaker.failure(now);
                    if matches!(
                        self.breaker.state(),
                        sharewise_net::BreakerState::Open { .. }
                    ) && !matches!(self.session, SessionState::NeedsLogin { .. })
                    {
                        self.session = SessionState::Down {
                            reason: failure.clone().into_error().to_string(),
                        };
                    }
                } else {
                    // The broker answered: it is up, whatever it thought of the request.
                    self.breaker.success();
                    if matches!(self.session, SessionState::Down { .. }) {
                        self.session = SessionState::Connected;
                    }
                }
            }
        }
        (self.session != before).then(|| self.session.clone())
    }

    /// A new session from a fresh login: connected again.
    pub fn log_in(&mut self, token: T) -> Option<SessionState> {
        let before = self.session.clone();
        self.token = Some(token);
        self.expires_at = None;
        self.session = SessionState::Connected;
        (self.session != before).then(|| self.session.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_brokers::BrokerError;

    const VENUE: Venue = Venue {
        name: "Kite",
        session_ends: "06:00 IST",
    };

    fn token() -> String {
        "t0k3n".into()
    }

    fn config() -> GateConfig {
        GateConfig {
            orders: vec![Window {
                limit: 10,
                period: Duration::from_millis(1_100),
            }],
            reads: vec![Window {
                limit: 10,
                period: Duration::from_millis(1_100),
            }],
            history: vec![Window {
                limit: 3,
                period: Duration::from_millis(1_100),
            }],
            breaker_threshold: 5,
            breaker_open_for: Duration::from_secs(10),
        }
    }

    #[test]
    fn no_request_goes_out_without_a_session() {
        let mut gate = Gate::<String>::new(VENUE, &config(), None);
        let e = gate.admit(Lane::Reads, Instant::now()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::AuthExpired);
        assert!(gate.log_in(token()).is_some());
        assert!(matches!(
            gate.admit(Lane::Reads, Instant::now()),
            Ok(Admit::Go(_))
        ));
    }

    #[test]
    fn a_refused_token_needs_a_login_and_blocks_every_later_call() {
        let mut gate = Gate::new(VENUE, &config(), Some(token()));
        let now = Instant::now();
        let refused = CallFailure::Answered(BrokerError::from_kite(
            403,
            Some("TokenException"),
            "Incorrect `api_key` or `access_token`.",
        ));
        let change = gate.record(Err(&refused), &token(), now).unwrap();
        assert!(matches!(change, SessionState::NeedsLogin { .. }));
        for lane in [Lane::Orders, Lane::Reads, Lane::History] {
            assert_eq!(
                gate.admit(lane, now).unwrap_err().kind,
                ErrorKind::AuthExpired
            );
        }
    }

    #[test]
    fn a_refusal_of_the_token_before_a_new_login_leaves_the_new_session_be() {
        let mut gate = Gate::new(VENUE, &config(), Some(token()));
        let refused =
            CallFailure::Answered(BrokerError::from_kite(403, Some("TokenException"), "old"));
        gate.log_in("fresh".to_string());
        assert_eq!(gate.record(Err(&refused), &token(), Instant::now()), None);
        assert!(gate.session().is_connected());
        assert_eq!(gate.token().unwrap(), "fresh");
    }

    #[test]
    fn a_session_past_its_expiry_sends_nothing_and_needs_a_login() {
        let mut gate = Gate::new(VENUE, &config(), Some(token()));
        let now = std::time::SystemTime::now();
        gate.expire_at(now + Duration::from_secs(60));
        assert_eq!(gate.expire_if_due(now), None);
        assert!(gate.token().is_some());
        let change = gate.expire_if_due(now + Duration::from_secs(61)).unwrap();
        assert!(matches!(change, SessionState::NeedsLogin { .. }));
        assert_eq!(
            gate.admit(Lane::Orders, Instant::now()).unwrap_err().kind,
            ErrorKind::AuthExpired
        );
        assert_eq!(
            gate.expire_if_due(now + Duration::from_secs(62)),
            None,
            "said once"
        );
    }

    #[test]
    fn repeated_failures_open_the_breaker_and_a_good_probe_closes_it() {
        let config = GateConfig {
            breaker_threshold: 3,
            breaker_open_for: Duration::from_secs(10),
            ..config()
        };
        let mut gate = Gate::new(VENUE, &config, Some(token()));
        let t0 = Instant::now();
        let down = CallFailure::NotSent("connection refused".into());
        assert_eq!(gate.record(Err(&down), &token(), t0), None);
        assert_eq!(gate.record(Err(&down), &token(), t0), None);
        assert!(matches!(
            gate.record(Err(&down), &token(), t0),
            Some(SessionState::Down { .. })
        ));
        let e = gate
            .admit(Lane::Reads, t0 + Duration::from_secs(1))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Upstream);
        // After the pause one probe goes; its success reconnects.
        let later = t0 + Duration::from_secs(11);
        assert!(matches!(gate.admit(Lane::Reads, later), Ok(Admit::Go(_))));
        assert_eq!(
            gate.record(Ok(()), &token(), later),
            Some(SessionState::Connected)
        );
        assert_eq!(gate.times_opened(), 1);
    }

    #[test]
    fn an_answer_refusing_the_request_does_not_count_as_the_broker_failing() {
        let config = GateConfig {
            breaker_threshold: 1,
            ..config()
        };
        let mut gate = Gate::new(VENUE, &config, Some(token()));
        let input = CallFailure::Answered(BrokerError::from_kite(
            400,
            Some("InputException"),
            "bad qty",
        ));
        assert_eq!(gate.record(Err(&input), &token(), Instant::now()), None);
        assert!(gate.session().is_connected());
    }

    #[test]
    fn orders_wait_for_room_in_the_rate_limit() {
        let mut gate = Gate::new(VENUE, &config(), Some(token()));
        let now = Instant::now();
        for _ in 0..10 {
            assert!(matches!(gate.admit(Lane::Orders, now), Ok(Admit::Go(_))));
        }
        match gate.admit(Lane::Orders, now).unwrap() {
            Admit::Wait(d) => assert!(d > Duration::ZERO && d <= Duration::from_millis(1_100)),
            Admit::Go(_) => panic!("an eleventh order in the same second went"),
        }
        // Reads have their own budget.
        assert!(matches!(gate.admit(Lane::Reads, now), Ok(Admit::Go(_))));
    }
}
