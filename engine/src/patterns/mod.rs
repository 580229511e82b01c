//! Candlestick patterns (TA-Lib `CDL*` semantics: +100 bullish, −100 bearish, 0 none) and simple
//! bar detectors (volume spike, N-bar range breakout).
