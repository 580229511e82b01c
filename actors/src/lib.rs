//! ShareWise actor runtime (see Cargo.toml description).
