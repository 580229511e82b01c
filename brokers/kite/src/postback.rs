//! Kite's postbacks: the order JSON Kite POSTs to the app's postback URL when an order completes,
//! is cancelled or rejected, or changes (a modification, a partial fill). Anyone can POST to that
//! URL, so a postback counts only when its `checksum` is SHA-256 of `order_id +
//! order_timestamp + api_secret` — `order_timestamp` exactly as the payload writes it.
//!
//! [`verify`] reads and checks one; every refusal names what was wrong and nothing of the secret.

use sha2::{Digest, Sha256};

use crate::rest::wire::WireOrder;

/// Why a postback is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostbackError {
    /// The body is not a JSON object with Kite's order fields.
    #[error("not a Kite postback: {0}")]
    Malformed(String),
    /// A field the checksum needs is missing.
    #[error("the postback has no `{0}`, which its checksum covers")]
    Missing(&'static str),
    /// The checksum does not match: forged, altered, or for another app.
    #[error("the postback's checksum does not match (forged, altered, or sent for another app's secret)")]
    BadChecksum,
}

/// The checksum Kite puts on a postback of `order_id` placed at `order_timestamp`.
pub fn checksum(order_id: &str, order_timestamp: &str, api_secret: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(order_id.as_bytes());
    digest.update(order_timestamp.as_bytes());
    digest.update(api_secret.as_bytes());
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a postback `body` and checks its checksum against `api_secret`: the order it reports.
pub fn verify(body: &[u8], api_secret: &str) -> Result<WireOrder, PostbackError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| PostbackError::Malformed(e.to_string()))?;
    let text = |name: &'static str| {
        value
            .get(name)
            .and_then(serde_json::Value::as_str)
            .ok_or(PostbackError::Missing(name))
    };
    let (order_id, timestamp, sent) = (
        text("order_id")?,
        text("order_timestamp")?,
        text("checksum")?,
    );
    let expected = checksum(order_id, timestamp, api_secret);
    // Compared whole, not byte by byte with an early exit: timing says nothing of the secret.
    let same = expected.len() == sent.len()
        && expected
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b.to_ascii_lowercase()))
            == 0;
    if !same {
        return Err(PostbackError::BadChecksum);
    }
    serde_json::from_value(value).map_err(|e| PostbackError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded() -> serde_json::Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/postback.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The recorded postback, signed with `secret`.
    fn signed(secret: &str) -> serde_json::Value {
        let mut p = recorded();
        let sum = checksum(
            p["order_id"].as_str().unwrap(),
            p["order_timestamp"].as_str().unwrap(),
            secret,
        );
        p["checksum"] = sum.into();
        p
    }

    #[test]
    fn a_signed_postback_is_read_and_anything_else_is_refused_by_name() {
        let body = serde_json::to_vec(&signed("s3cret")).unwrap();
        let order = verify(&body, "s3cret").unwrap();
        assert_eq!(
            (order.order_id.as_str(), order.status.as_str()),
            ("220303000308932", "COMPLETE")
        );
        assert_eq!(
            verify(&body, "other").unwrap_err(),
            PostbackError::BadChecksum
        );

        let mut altered = signed("s3cret");
        altered["filled_quantity"] = 2.into();
        altered["order_timestamp"] = "2022-03-03 09:24:26".into();
        let e = verify(&serde_json::to_vec(&altered).unwrap(), "s3cret").unwrap_err();
        assert_eq!(e, PostbackError::BadChecksum);

        let mut unsigned = signed("s3cret");
        unsigned.as_object_mut().unwrap().remove("checksum");
        let e = verify(&serde_json::to_vec(&unsigned).unwrap(), "s3cret").unwrap_err();
        assert_eq!(e, PostbackError::Missing("checksum"));
        assert!(matches!(
            verify(b"{\"order_id\":", "s3cret"),
            Err(PostbackError::Malformed(_))
        ));
        assert!(!e.to_string().contains("s3cret"));
    }

    #[test]
    fn the_checksum_is_sha256_of_id_timestamp_and_secret() {
        // sha256("1" + "2" + "3") = sha256("123").
        assert_eq!(
            checksum("1", "2", "3"),
            "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"
        );
    }
}
