//! The one error type of the core. Every variant has a stable string code that crosses the
//! binding unchanged, so callers can branch on `err.code` in JavaScript.

use std::fmt;

/// A failed calculation. Nothing is mutated when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An argument is out of its domain (zero, negative, out of range, mismatched lengths).
    InvalidInput(String),
    /// An intermediate or result does not fit the reference's integer width.
    Overflow(&'static str),
    /// The pool cannot pay the requested amount (output ≥ reserve, zero liquidity, ...).
    InsufficientLiquidity(&'static str),
    /// The result breaks the caller's bound (minimum out or maximum in).
    SlippageExceeded { limit: String, actual: String },
    /// A price limit is on the wrong side of the current price or out of range.
    PriceLimit(&'static str),
    /// A bounded iterative solver did not converge.
    NoConvergence(&'static str),
    /// A covariance matrix that is not symmetric positive definite (no Cholesky factor).
    NotPositiveDefinite(String),
}

impl Error {
    /// The stable code JavaScript sees as `err.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "INVALID_INPUT",
            Error::Overflow(_) => "OVERFLOW",
            Error::InsufficientLiquidity(_) => "INSUFFICIENT_LIQUIDITY",
            Error::SlippageExceeded { .. } => "SLIPPAGE_EXCEEDED",
            Error::PriceLimit(_) => "PRICE_LIMIT",
            Error::NoConvergence(_) => "NO_CONVERGENCE",
            Error::NotPositiveDefinite(_) => "NOT_POSITIVE_DEFINITE",
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(m) => write!(f, "invalid input: {m}"),
            Error::Overflow(m) => write!(f, "overflow: {m}"),
            Error::InsufficientLiquidity(m) => write!(f, "insufficient liquidity: {m}"),
            Error::SlippageExceeded { limit, actual } => {
                write!(f, "slippage exceeded: limit {limit}, actual {actual}")
            }
            Error::PriceLimit(m) => write!(f, "price limit: {m}"),
            Error::NoConvergence(m) => write!(f, "no convergence: {m}"),
            Error::NotPositiveDefinite(m) => write!(f, "not positive definite: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result of every fallible core function.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_strings() {
        assert_eq!(Error::invalid("x").code(), "INVALID_INPUT");
        assert_eq!(Error::Overflow("x").code(), "OVERFLOW");
        assert_eq!(Error::InsufficientLiquidity("x").code(), "INSUFFICIENT_LIQUIDITY");
        let slip = Error::SlippageExceeded { limit: "1".into(), actual: "0".into() };
        assert_eq!(slip.code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(Error::PriceLimit("x").code(), "PRICE_LIMIT");
        assert_eq!(Error::NoConvergence("x").code(), "NO_CONVERGENCE");
        assert_eq!(Error::NotPositiveDefinite("x".into()).code(), "NOT_POSITIVE_DEFINITE");
    }
}
