//! ShareWise brokers (see Cargo.toml description).
