//! ShareWise persistence (see Cargo.toml description).
