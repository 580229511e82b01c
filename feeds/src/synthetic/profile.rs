//! The U-shaped intraday activity profile: busiest at the open, busy again into the close, quiet
//! at midday; normalised so its mean over the 375-minute session is 1.

/// Minutes in the NSE continuous session, 09:15–15:30.
pub(crate) const SESSION_MINUTES: usize = 375;

/// Activity factor per session minute (mean 1).
pub(crate) fn u_shape() -> Vec<f64> {
    let raw: Vec<f64> = (0..SESSION_MINUTES)
        .map(|m| {
            let x = (m as f64 + 0.5) / SESSION_MINUTES as f64;
            let smile = 0.6 + 1.2 * (2.0 * x - 1.0).powi(2);
            smile + 2.0 * (-x / 0.04).exp() + 1.0 * (-(1.0 - x) / 0.05).exp()
        })
        .collect();
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    raw.into_iter().map(|v| v / mean).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busiest_at_open_then_close_quiet_at_midday() {
        let p = u_shape();
        let mean = p.iter().sum::<f64>() / p.len() as f64;
        assert!((mean - 1.0).abs() < 1e-12);
        let mid = p[SESSION_MINUTES / 2];
        assert!(
            p[0] > p[SESSION_MINUTES - 1] && p[SESSION_MINUTES - 1] > 2.0 * mid,
            "{} {} {mid}",
            p[0],
            p[374]
        );
    }
}
