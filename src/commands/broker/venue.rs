//! What `broker login|status|logout` asks of each real broker: its login page, the exchange of
//! what the redirect brings back for the day's session, whose a token is, and the logout. Kite
//! takes a `request_token` (checksummed by `kiteconnect`); Upstox an OAuth `code`, with a
//! `state` the redirect must bring back unchanged.

use anyhow::{bail, Context, Result};
use sharewise_brokers::BrokerError;
use sharewise_config::{BrokerKind, BrokerSection};
use sharewise_engine::time::TimestampNs;
use sharewise_live::layout::AccountDir;

/// A real broker account of the settings.
pub struct BrokerAccount {
    /// Its `[[accounts]]` name.
    pub name: String,
    /// Its broker.
    pub broker: BrokerKind,
    /// Its `[accounts.<broker>]` table.
    pub section: BrokerSection,
    /// Its directory under the data directory.
    pub dir: AccountDir,
}

/// The day's session as the vault keeps it.
pub struct DaySession {
    /// The broker's user id.
    pub user_id: String,
    /// The access token.
    pub access_token: String,
    /// When the broker says the login happened (Kite), or when it was exchanged.
    pub login_time: String,
    /// When it stops working, UTC ns.
    pub expires_at: TimestampNs,
}

impl BrokerAccount {
    /// The redirect's query parameter that carries the login's result.
    pub fn redirect_param(&self) -> &'static str {
        match self.broker {
            BrokerKind::Upstox => "code",
            _ => "request_token",
        }
    }

    /// The address the login page sends the browser back to (register it with the app).
    pub fn redirect_uri(&self) -> String {
        format!(
            "http://{}/{}/callback",
            self.section.redirect_listen(),
            self.broker.as_str()
        )
    }

    /// The login page, carrying `state` where the broker takes one.
    pub fn login_page(&self, state: &str) -> Result<String> {
        Ok(match self.broker {
            BrokerKind::Kite => sharewise_kite::login::login_url(
                &sharewise_live::kite::login_base(&self.section),
                &self.section.api_key,
            ),
            BrokerKind::Upstox => sharewise_upstox::login::login_url(
                &sharewise_live::upstox::endpoint(&self.section).base_url,
                &self.section.api_key,
                &self.redirect_uri(),
                state,
            ),
            other => bail!("the {} adapter has no login in this build", other.as_str()),
        })
    }

    /// Exchanges what the redirect brought (`proof`) for the day's session, at `now`.
    pub async fn exchange(
        &self,
        secret: &str,
        proof: &str,
        now: TimestampNs,
    ) -> Result<DaySession> {
        let title = self.broker.title();
        match self.broker {
            BrokerKind::Kite => {
                let endpoint = sharewise_live::kite::endpoint(&self.section);
                let session =
                    sharewise_kite::login::exchange_request_token(&endpoint, secret, proof)
                        .await
                        .with_context(|| format!("{title} refused the login"))?;
                Ok(DaySession {
                    user_id: session.user_id.clone(),
                    access_token: session.access_token.expose().to_string(),
                    login_time: session.login_time.clone(),
                    expires_at: sharewise_kite::login::session_expiry(now),
                })
            }
            BrokerKind::Upstox => {
                let transport = self.upstox_transport()?;
                let session = sharewise_upstox::login::exchange_code(
                    &transport,
                    secret,
                    &self.redirect_uri(),
                    proof,
                )
                .await
                .with_context(|| format!("{title} refused the login"))?;
                let login_time = sharewise_engine::time::format_ist(now);
                Ok(DaySession {
                    user_id: session.user_id.clone(),
                    access_token: session.access_token.expose().to_string(),
                    login_time: login_time
                        .get(..19)
                        .unwrap_or(&login_time)
                        .replacen('T', " ", 1),
                    expires_at: sharewise_upstox::login::session_expiry(now),
                })
            }
            other => bail!("the {} adapter has no login in this build", other.as_str()),
        }
    }

    /// Whose `token` is, asked of the broker.
    pub async fn whoami(&self, token: &str) -> Result<String, BrokerError> {
        match self.broker {
            BrokerKind::Kite => {
                let token = kiteconnect::AccessToken::new(token.to_string())
                    .map_err(|_| BrokerError::invalid("the kept token is unusable"))?;
                let endpoint = sharewise_live::kite::endpoint(&self.section);
                sharewise_kite::login::whoami(&endpoint, &token).await
            }
            BrokerKind::Upstox => {
                let token = sharewise_upstox::UpstoxToken::new(token)
                    .ok_or_else(|| BrokerError::invalid("the kept token is empty"))?;
                let transport = self
                    .upstox_transport()
                    .map_err(|e| BrokerError::invalid(e.to_string()))?;
                sharewise_upstox::login::whoami(&transport, &token).await
            }
            other => Err(BrokerError::invalid(format!(
                "the {} adapter is not in this build",
                other.as_str()
            ))),
        }
    }

    /// Ends `token`'s session at the broker.
    pub async fn log_out(&self, token: &str) -> Result<(), BrokerError> {
        match self.broker {
            BrokerKind::Kite => {
                let token = kiteconnect::AccessToken::new(token.to_string())
                    .map_err(|_| BrokerError::invalid("the kept token is unusable"))?;
                let endpoint = sharewise_live::kite::endpoint(&self.section);
                sharewise_kite::login::log_out(&endpoint, &token).await
            }
            BrokerKind::Upstox => {
                let token = sharewise_upstox::UpstoxToken::new(token)
                    .ok_or_else(|| BrokerError::invalid("the kept token is empty"))?;
                let transport = self
                    .upstox_transport()
                    .map_err(|e| BrokerError::invalid(e.to_string()))?;
                sharewise_upstox::login::log_out(&transport, &token).await
            }
            other => Err(BrokerError::invalid(format!(
                "the {} adapter is not in this build",
                other.as_str()
            ))),
        }
    }

    fn upstox_transport(&self) -> Result<sharewise_upstox::rest::Transport> {
        sharewise_upstox::rest::Transport::new(sharewise_live::upstox::endpoint(&self.section))
            .context("cannot start the HTTP client for Upstox")
    }
}
