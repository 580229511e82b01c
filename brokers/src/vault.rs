//! Broker sessions kept encrypted at rest: the day's access token of an account, sealed with
//! AES-256-GCM under the operator's session key, the account's name bound in as associated data
//! (a sealed file copied to another account's directory does not open).
//!
//! The key is 32 random bytes, given as 64 hex digits in `SHAREWISE_SESSION_KEY` or kept in a
//! key file (by default `DATA/session.key`, created with mode 0600 on the first login). A sealed
//! file is a small JSON envelope: format version, the key's id (the first 8 bytes of its
//! SHA-256, so a wrong key is named as such rather than as corruption), a random 96-bit nonce,
//! and the ciphertext. Tokens never appear in `Debug` output or in errors.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sharewise_engine::time::TimestampNs;
use zeroize::Zeroizing;

/// The environment variable that carries the session key (64 hex digits).
pub const SESSION_KEY_ENV: &str = "SHAREWISE_SESSION_KEY";

/// The key file's name in the data directory when no key is given in the environment.
pub const SESSION_KEY_FILE: &str = "session.key";

/// The sealed file's format version.
const FORMAT: u32 = 1;

/// Why a session could not be kept or read back.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The key given is not 64 hex digits.
    #[error("the session key from {source_name} is not 64 hex digits (32 bytes); make one with `head -c32 /dev/urandom | xxd -p -c64`")]
    BadKey {
        /// Where it came from.
        source_name: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The sealed file was sealed with a different key.
    #[error("{path} was sealed with another session key (id {sealed}, this key is {current}): use the key the login was made with, or log in again")]
    WrongKey {
        /// The file.
        path: PathBuf,
        /// The id in the file.
        sealed: String,
        /// The id of the key given.
        current: String,
    },
    /// The sealed file does not open: altered, cut short, or sealed for another account.
    #[error("{path} does not open for account `{account}`: it was altered or belongs to another account; log in again")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The account it was opened for.
        account: String,
    },
}

/// The operator's session key (wiped from memory when dropped).
pub struct SessionKey {
    bytes: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionKey(id {})", self.id())
    }
}

impl SessionKey {
    /// A key from 64 hex digits; `source_name` says where they came from, for the error.
    pub fn from_hex(text: &str, source_name: &str) -> Result<SessionKey, VaultError> {
        let text = text.trim();
        let bad = || VaultError::BadKey {
            source_name: source_name.to_string(),
        };
        if text.len() != 64 || !text.is_ascii() {
            return Err(bad());
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        for (k, pair) in text.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
            bytes[k] = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(SessionKey { bytes })
    }

    /// A fresh random key.
    pub fn generate() -> SessionKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        SessionKey { bytes }
    }

    /// The key from `env_value` (the content of [`SESSION_KEY_ENV`]) if set, else from
    /// `key_file`, which is created (mode 0600) with a fresh key when `create` and missing.
    pub fn resolve(
        env_value: Option<&str>,
        key_file: &Path,
        create: bool,
    ) -> Result<SessionKey, VaultError> {
        if let Some(text) = env_value.filter(|t| !t.trim().is_empty()) {
            return SessionKey::from_hex(text, SESSION_KEY_ENV);
        }
        let io = |error| VaultError::Io {
            path: key_file.to_path_buf(),
            error,
        };
        match std::fs::read_to_string(key_file) {
            Ok(text) => SessionKey::from_hex(&text, &key_file.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let key = SessionKey::generate();
                write_private(key_file, format!("{}\n", key.hex()).as_bytes()).map_err(io)?;
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }

    fn hex(&self) -> String {
        self.bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key's id: the first 8 bytes of its SHA-256, in hex (safe to show).
    pub fn id(&self) -> String {
        let digest = Sha256::digest(self.bytes.as_ref());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    fn cipher(&self) -> Aes256Gcm {
        // 32 bytes is always a valid AES-256 key.
        Aes256Gcm::new_from_slice(self.bytes.as_ref()).unwrap_or_else(|_| unreachable!())
    }
}

/// A broker session as kept between runs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    /// `kite`, `upstox`, `aliceblue`.
    pub broker: String,
    /// The broker's client id of the user who logged in.
    pub user_id: String,
    /// The day's access token.
    pub access_token: String,
    /// When the broker says the login happened (its own words).
    pub login_time: String,
    /// When the token stops working (Kite: the next 06:00 IST), UTC ns.
    pub expires_at: TimestampNs,
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("broker", &self.broker)
            .field("user_id", &self.user_id)
            .field("access_token", &"<redacted>")
            .field("login_time", &self.login_time)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    format: u32,
    key_id: String,
    nonce: String,
    ciphertext: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|k| u8::from_str_radix(text.get(k..k + 2)?, 16).ok())
        .collect()
}

/// Seals `session` for `account` under `key`: the file's bytes.
pub fn seal(key: &SessionKey, account: &str, session: &StoredSession) -> Vec<u8> {
    let plain = Zeroizing::new(serde_json::to_vec(session).unwrap_or_default());
    let mut nonce = [0u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let nonce_array = Nonce::try_from(&nonce[..]).unwrap_or_else(|_| unreachable!());
    let ciphertext = key
        .cipher()
        .encrypt(
            &nonce_array,
            Payload {
                msg: &plain,
                aad: account.as_bytes(),
            },
        )
        .unwrap_or_default();
    let sealed = Sealed {
        format: FORMAT,
        key_id: key.id(),
        nonce: hex(&nonce),
        ciphertext: hex(&ciphertext),
    };
    serde_json::to_vec_pretty(&sealed).unwrap_or_default()
}

/// Opens the sealed bytes of `path` for `account`.
pub fn open(
    key: &SessionKey,
    account: &str,
    path: &Path,
    bytes: &[u8],
) -> Result<StoredSession, VaultError> {
    let unreadable = || VaultError::Unreadable {
        path: path.to_path_buf(),
        account: account.to_string(),
    };
    let sealed: Sealed = serde_json::from_slice(bytes).map_err(|_| unreadable())?;
    if sealed.format != FORMAT {
        return Err(unreadable());
    }
    if sealed.key_id != key.id() {
        return Err(VaultError::WrongKey {
            path: path.to_path_buf(),
            sealed: sealed.key_id,
            current: key.id(),
        });
    }
    let nonce = unhex(&sealed.nonce).ok_or_else(unreadable)?;
    let nonce = Nonce::try_from(&nonce[..]).map_err(|_| unreadable())?;
    let ciphertext = unhex(&sealed.ciphertext).ok_or_else(unreadable)?;
    let plain = Zeroizing::new(
        key.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: &ciphertext,
                    aad: account.as_bytes(),
                },
            )
            .map_err(|_| unreadable())?,
    );
    serde_json::from_slice(&plain).map_err(|_| unreadable())
}

/// Seals and writes `session` to `path` (atomically, mode 0600).
pub fn save(
    path: &Path,
    key: &SessionKey,
    account: &str,
    session: &StoredSession,
) -> Result<(), VaultError> {
    write_private(path, &seal(key, account, session)).map_err(|error| VaultError::Io {
        path: path.to_path_buf(),
        error,
    })
}

/// Reads and opens the session at `path`; `None` if there is none.
pub fn load(
    path: &Path,
    key: &SessionKey,
    account: &str,
) -> Result<Option<StoredSession>, VaultError> {
    match std::fs::read(path) {
        Ok(bytes) => open(key, account, path, &bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(VaultError::Io {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// Writes `bytes` to `path` through a temporary file renamed into place, readable by the owner
/// only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> StoredSession {
        StoredSession {
            broker: "kite".into(),
            user_id: "AB1234".into(),
            access_token: "SENTINEL-ACCESS-TOKEN".into(),
            login_time: "2026-12-07 08:01:02".into(),
            expires_at: 1_765_000_000_000_000_000,
        }
    }

    #[test]
    fn a_sealed_session_opens_for_its_account_only_and_never_shows_the_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts/alice/broker-session.json");
        let key = SessionKey::generate();
        save(&path, &key, "alice", &session()).unwrap();
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(!on_disk.contains("SENTINEL"), "{on_disk}");
        assert!(!on_disk.contains("AB1234"), "the user id is sealed too");
        assert_eq!(load(&path, &key, "alice").unwrap(), Some(session()));
        let other = load(&path, &key, "bob").unwrap_err();
        assert!(matches!(other, VaultError::Unreadable { .. }), "{other}");
        assert!(!format!("{:?}", session()).contains("SENTINEL"));
        assert_eq!(load(&dir.path().join("none"), &key, "alice").unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_wrong_key_or_an_altered_file_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let key = SessionKey::generate();
        save(&path, &key, "alice", &session()).unwrap();
        let wrong = load(&path, &SessionKey::generate(), "alice").unwrap_err();
        assert!(matches!(wrong, VaultError::WrongKey { .. }), "{wrong}");
        let mut text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("\"ciphertext\": \"").unwrap() + 16;
        let flipped = if &text[at..at + 1] == "0" { "1" } else { "0" };
        text.replace_range(at..at + 1, flipped);
        std::fs::write(&path, text).unwrap();
        let altered = load(&path, &key, "alice").unwrap_err();
        assert!(
            matches!(altered, VaultError::Unreadable { .. }),
            "{altered}"
        );
    }

    #[test]
    fn the_key_comes_from_the_environment_or_a_private_file_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(SESSION_KEY_FILE);
        assert!(
            SessionKey::resolve(None, &file, false).is_err(),
            "no file, not asked to create"
        );
        let made = SessionKey::resolve(None, &file, true).unwrap();
        let again = SessionKey::resolve(None, &file, false).unwrap();
        assert_eq!(made.id(), again.id());
        let hex = "00".repeat(32);
        let from_env = SessionKey::resolve(Some(&hex), &file, false).unwrap();
        assert_ne!(from_env.id(), made.id(), "the environment wins");
        let bad = SessionKey::resolve(Some("abc"), &file, false).unwrap_err();
        assert!(bad.to_string().contains(SESSION_KEY_ENV), "{bad}");
        assert!(!format!("{made:?}").contains(&made.hex()));
    }
}
