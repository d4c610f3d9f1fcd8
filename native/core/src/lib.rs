//! Fluxion's exact maths. Pure Rust, no Node bindings (those live in `fluxion-node`).
//!
//! - [`amm`]: integer-exact quotes for every AMM family Fluxion trades, each with the rounding of
//!   its on-chain reference.
//! - [`risk`]: Value at Risk, Expected Shortfall, EWMA, backtests and account scans, in f64
//!   (risk and analytics, never balances).
//! - [`error`]: one error type with stable codes that the binding maps to JS errors.

pub mod amm;
pub mod error;
pub mod risk;

pub use error::{Error, Result};
pub use ruint::aliases::U256;
