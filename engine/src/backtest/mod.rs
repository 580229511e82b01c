//! The event-driven backtester: simulated clock, simulated broker, fill model, metrics.
