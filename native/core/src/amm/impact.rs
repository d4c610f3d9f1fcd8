//! Price impact and slippage bounds.

use crate::{Error, Result, U256};

/// Fails with `SlippageExceeded` when an output is below the caller's minimum.
pub fn check_min_out(amount_out: U256, min_out: U256) -> Result<()> {
    if amount_out < min_out {
        return Err(Error::SlippageExceeded { limit: min_out.to_string(), actual: amount_out.to_string() });
    }
    Ok(())
}

/// Fails with `SlippageExceeded` when an input is above the caller's maximum.
pub fn check_max_in(amount_in: U256, max_in: U256) -> Result<()> {
    if amount_in > max_in {
        return Err(Error::SlippageExceeded { limit: max_in.to_string(), actual: amount_in.to_string() });
    }
    Ok(())
}
