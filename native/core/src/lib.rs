//! Fluxion's exact maths. Pure Rust, no Node bindings (those live in `fluxion-node`).
//!
//! - [`amm`]: integer-exact quotes for every AMM family Fluxion trades, each with the rounding of
//!   its on-chain reference.
//! - [`error`]: one error type with stable codes that the binding maps to JS errors.

pub mod amm;
pub mod error;

pub use error::{Error, Result};
pub use ruint::aliases::U256;
