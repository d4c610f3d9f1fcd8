//! The calling thread's scheduling policy: Node can set a thread's nice value (`os.setPriority`)
//! but not a real-time policy, which the order path's thread needs (engine/src/thread-priority.ts
//! says why). Linux only; elsewhere every request is refused with ENOSYS.

use napi_derive::napi;

use crate::convert::{invalid, Result};

/// A thread's scheduling as the OS reports it.
#[napi(object)]
pub struct ThreadScheduling {
    /// `fifo`, `rr`, `other`, `batch`, `idle` or `deadline` (`unknown` for anything else).
    pub policy: String,
    /// Real-time priority, 1–99 under `fifo` and `rr`; 0 otherwise.
    pub priority: u32,
    /// Whether threads and processes this one starts begin with the default policy and priority.
    pub reset_on_fork: bool,
}

/// Puts the calling thread under SCHED_FIFO at `priority` (an integer from 1 to 99), with
/// SCHED_RESET_ON_FORK: threads and processes it starts later begin as ordinary ones. Returns 0, or
/// the errno with which the OS refused (EPERM without CAP_SYS_NICE or an RLIMIT_RTPRIO allowance);
/// a refusal changes nothing. INVALID_INPUT for any other `priority`.
#[napi]
pub fn set_thread_realtime(priority: f64) -> Result<u32> {
    // Taken as a number and checked here: napi's u32 conversion would truncate 1.5 to 1.
    if !(priority.fract() == 0.0 && (1.0..=99.0).contains(&priority)) {
        return Err(invalid(format!("a real-time priority is an integer from 1 to 99, got {priority}")));
    }
    Ok(os::set_fifo(priority as i32))
}

/// The calling thread's policy and priority now.
#[napi]
pub fn thread_scheduling() -> ThreadScheduling {
    os::scheduling()
}

#[cfg(target_os = "linux")]
mod os {
    use super::ThreadScheduling;

    fn errno() -> u32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0) as u32
    }

    pub fn set_fifo(priority: i32) -> u32 {
        let param = libc::sched_param { sched_priority: priority };
        // pid 0 is the calling thread (the Linux call is per thread, whatever POSIX says).
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO | libc::SCHED_RESET_ON_FORK, &param) } == 0 {
            0
        } else {
            errno()
        }
    }

    pub fn scheduling() -> ThreadScheduling {
        let raw = unsafe { libc::sched_getscheduler(0) };
        let mut param = libc::sched_param { sched_priority: 0 };
        unsafe { libc::sched_getparam(0, &mut param) };
        let policy = match raw & !libc::SCHED_RESET_ON_FORK {
            libc::SCHED_FIFO => "fifo",
            libc::SCHED_RR => "rr",
            libc::SCHED_OTHER => "other",
            libc::SCHED_BATCH => "batch",
            libc::SCHED_IDLE => "idle",
            6 => "deadline", // SCHED_DEADLINE, which libc does not name
            _ => "unknown",
        };
        ThreadScheduling {
            policy: policy.into(),
            priority: param.sched_priority.max(0) as u32,
            reset_on_fork: raw >= 0 && raw & libc::SCHED_RESET_ON_FORK != 0,
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    use super::ThreadScheduling;

    pub fn set_fifo(_priority: i32) -> u32 {
        libc::ENOSYS as u32
    }

    pub fn scheduling() -> ThreadScheduling {
        ThreadScheduling { policy: "unknown".into(), priority: 0, reset_on_fork: false }
    }
}
