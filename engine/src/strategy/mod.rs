//! Strategies and the signals they emit.
