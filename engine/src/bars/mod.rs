//! Bars from ticks: time-bar aggregation aligned to the IST trading session.
