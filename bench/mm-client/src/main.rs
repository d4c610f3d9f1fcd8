//! The order benchmark's market maker (bench/gateway-orders.bench.ts): one WebSocket connection,
//! a signed API-key `auth`, then `placeOrder` (or `quote`) requests offered at a fixed rate, open
//! loop, each sent at its due moment whatever the answers do. Market orders alternate a buy and a
//! sell of 99.8% of what that buy brings (quoted when the run starts), so the account stays about
//! flat however far earlier runs moved the price, each with the minimum received of a quote at 1%
//! slippage.
//!
//! It stands in for a market maker's own machine: a process of its own with no garbage collector,
//! so what it times is the venue's round trip and the socket path, not its own pauses. (A `ws`
//! client in a worker thread of the gateway's process paused 1–3 ms for its own young-generation
//! collections every second or so, and those pauses were a large part of the measured tail.)
//!
//! Usage: `fluxion-mm-client '<run as JSON>'` (see `Run`); prints one `Report` as JSON on stdout.
use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tungstenite::{Message, WebSocket};

/// One run, as the bench passes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    url: String,
    api_key: String,
    secret: String,
    market: String,
    /// Quote spent on a buy, as a decimal string.
    buy_quote: String,
    /// `placeOrder`, or `quote` for the gateway alone (no engine write).
    method: String,
    rate: f64,
    seconds: f64,
    /// Send on a timer of this period (ms), everything due at each tick in one write, as a client
    /// on a coarse timer would; by default each request leaves at its own due moment.
    #[serde(default)]
    tick_ms: Option<f64>,
    /// Run under SCHED_FIFO at this priority, as the gateway's thread does: standing in for a
    /// market maker's own machine, the client must not queue behind the venue's other threads.
    #[serde(default)]
    rt_priority: Option<i32>,
}

/// What the run measured. Times are µs; the arrays hold one entry per answered request, in order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    sent: usize,
    ok: usize,
    /// Refusals by error code.
    errors: BTreeMap<String, usize>,
    seconds: f64,
    /// From the send (the write that carried the request) to the answer read.
    round_trip_us: Vec<u32>,
    /// From the moment the request fell due: adds any lateness of the send.
    from_due_us: Vec<u32>,
    /// The gateway's own time, from reading the request to writing the answer (its usDiff).
    gateway_us: Vec<u32>,
    /// By the wall clock, which the gateway's usIn and usOut share (one machine): from the send to
    /// the gateway reading the request, and from its writing the answer to the answer read here.
    inbound_us: Vec<i64>,
    outbound_us: Vec<i64>,
    /// This thread over the run (Linux schedstat): share of the wall time on a CPU, and runnable waiting for one.
    client_thread: Option<ThreadShare>,
    /// How the client was scheduled: `fifo <priority>`, or `ordinary` (with the OS's refusal, if any).
    scheduling: String,
}

#[derive(Serialize)]
struct ThreadShare {
    busy: f64,
    waiting: f64,
}

/// What the client reads of an answer to a timed request (its result is skipped unparsed).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    id: Option<u64>,
    error: Option<ErrorBody>,
    us_in: Option<i64>,
    us_out: Option<i64>,
    us_diff: Option<u64>,
}

/// An answer to a set-up request, result and all.
#[derive(Deserialize)]
struct Reply {
    id: Option<u64>,
    error: Option<ErrorBody>,
    result: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
}

type Socket = WebSocket<TcpStream>;
type Fail = Box<dyn std::error::Error>;

/// How long to wait for the answers still out once the last request has gone.
const DRAIN: Duration = Duration::from_secs(10);

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let outcome = serde_json::from_str::<Run>(&arg)
        .map_err(|e| format!("bad run (JSON argument): {e}").into())
        .and_then(|run| measure(&run));
    match outcome {
        Ok(report) => println!(
            "{}",
            serde_json::to_string(&report).expect("a report serializes")
        ),
        Err(err) => {
            eprintln!("fluxion-mm-client: {err}");
            std::process::exit(1);
        }
    }
}

fn measure(run: &Run) -> Result<Report, Fail> {
    if !(run.rate > 0.0 && run.seconds > 0.0 && run.tick_ms.is_none_or(|t| t > 0.0)) {
        return Err("rate, seconds and tickMs must be positive".into());
    }
    // Sleeps end when asked, not up to 50 µs later (the default slack), so sends keep their schedule.
    unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong) };
    let scheduling = match run.rt_priority {
        None => "ordinary".to_string(),
        Some(priority) => set_realtime(priority),
    };
    let mut ws = connect(&run.url)?;
    authenticate(&mut ws, run)?;
    let bodies = request_bodies(&mut ws, run)?;
    ws.get_ref().set_nonblocking(true)?;
    let fd = ws.get_ref().as_raw_fd();

    let total = (run.rate * run.seconds).round() as usize;
    let first_id = 1_000_000u64; // above the set-up requests' ids
    let mut sent_at = vec![Instant::now(); total];
    let mut sent_wall_us = vec![0i64; total];
    let mut report = Report {
        sent: 0,
        ok: 0,
        errors: BTreeMap::new(),
        seconds: 0.0,
        round_trip_us: Vec::with_capacity(total),
        from_due_us: Vec::with_capacity(total),
        gateway_us: Vec::with_capacity(total),
        inbound_us: Vec::with_capacity(total),
        outbound_us: Vec::with_capacity(total),
        client_thread: None,
        scheduling,
    };
    let mut answered = 0;
    let cpu_start = thread_schedstat();
    let schedule = Schedule {
        started: Instant::now(),
        rate: run.rate,
        tick: run.tick_ms.map(|ms| ms / 1000.0),
    };
    let started = schedule.started;
    let mut unflushed = false; // bytes the socket would not take yet
    while answered < total {
        // Every request due by now leaves, in one write when several are (a late wake-up).
        let now = Instant::now();
        let batch = report.sent;
        while report.sent < total && schedule.leaves(report.sent) <= now {
            let i = report.sent;
            ws.write(Message::text(format!(
                "{{\"method\":\"{}\",\"id\":{},\"params\":{}}}",
                run.method,
                first_id + i as u64,
                bodies[i % 2]
            )))?;
            report.sent += 1;
        }
        if report.sent > batch || unflushed {
            let (at, wall) = (Instant::now(), wall_us()); // the write that carries them
            unflushed = would_block(ws.flush())?;
            sent_at[batch..report.sent].fill(at);
            sent_wall_us[batch..report.sent].fill(wall);
        }
        // Every answer already here.
        loop {
            match ws.read() {
                Ok(Message::Text(text)) => {
                    let (done, done_wall) = (Instant::now(), wall_us());
                    let answer: Answer = serde_json::from_str(text.as_str())?;
                    let Some(i) = answer
                        .id
                        .and_then(|id| id.checked_sub(first_id))
                        .map(|i| i as usize)
                        .filter(|&i| i < report.sent)
                    else {
                        continue;
                    };
                    answered += 1;
                    match answer.error {
                        Some(e) => *report.errors.entry(e.code).or_default() += 1,
                        None => {
                            report.ok += 1;
                            report.round_trip_us.push(micros(done - sent_at[i]));
                            report.from_due_us.push(micros(done - schedule.due(i)));
                            report.gateway_us.push(answer.us_diff.unwrap_or(0) as u32);
                            report
                                .inbound_us
                                .push(answer.us_in.map_or(0, |t| t - sent_wall_us[i]));
                            report
                                .outbound_us
                                .push(answer.us_out.map_or(0, |t| done_wall - t));
                        }
                    }
                }
                Ok(Message::Close(_)) => return Err("the gateway closed the connection".into()),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(e.into()),
            }
        }
        if answered == total {
            break;
        }
        // Sleep until the next request falls due or an answer arrives.
        let now = Instant::now();
        let until = if report.sent < total {
            schedule.leaves(report.sent)
        } else {
            started + Duration::from_secs_f64(run.seconds) + DRAIN
        };
        if report.sent == total && now >= until {
            return Err(format!(
                "{} of {total} answers missing {DRAIN:?} after the last request",
                total - answered
            )
            .into());
        }
        wait_readable(fd, until.saturating_duration_since(now), unflushed)?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    report.client_thread =
        cpu_start.and_then(|start| thread_schedstat().map(|end| share(start, end)));
    let _ = ws.close(None);
    Ok(report)
}

/// When each request falls due (open loop, at a fixed rate from the start), and when it leaves.
struct Schedule {
    started: Instant,
    rate: f64,
    /// The period (s) of a coarse send timer, if the client has one.
    tick: Option<f64>,
}

impl Schedule {
    fn due(&self, i: usize) -> Instant {
        self.started + Duration::from_secs_f64(i as f64 / self.rate)
    }

    /// At its due moment, or at the first tick from then.
    fn leaves(&self, i: usize) -> Instant {
        match self.tick {
            None => self.due(i),
            Some(tick) => {
                self.started
                    + Duration::from_secs_f64(((i as f64 / self.rate) / tick).ceil() * tick)
            }
        }
    }
}

fn connect(url: &str) -> Result<Socket, Fail> {
    let host = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .ok_or("the url must be ws://host:port/path")?;
    let stream = TcpStream::connect(host)?;
    stream.set_nodelay(true)?;
    let (ws, _) = tungstenite::client::client(url, stream)
        .map_err(|e| format!("WebSocket handshake: {e}"))?;
    Ok(ws)
}

/// Sends one request (blocking) and returns its result, or its error code as the failure.
fn call(
    ws: &mut Socket,
    id: u64,
    method: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, Fail> {
    ws.send(Message::text(
        serde_json::json!({ "method": method, "id": id, "params": params }).to_string(),
    ))?;
    loop {
        if let Message::Text(text) = ws.read()? {
            let reply: Reply = serde_json::from_str(text.as_str())?;
            if reply.id != Some(id) {
                continue;
            }
            return match reply.error {
                Some(e) => Err(format!("{method}: {}", e.code).into()),
                None => Ok(reply.result.unwrap_or_default()),
            };
        }
    }
}

/// The `auth` request signed as gateway/src/auth.ts checks it: lowercase hex HMAC-SHA256 of
/// `apiKey\ntimestamp\nrecvWindow\nnonce`.
fn authenticate(ws: &mut Socket, run: &Run) -> Result<(), Fail> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
    let timestamp = now.as_millis() as u64;
    let nonce = format!("mm-{}-{}", std::process::id(), now.as_nanos());
    let recv_window = 5000;
    let mut mac = Hmac::<Sha256>::new_from_slice(run.secret.as_bytes())?;
    mac.update(format!("{}\n{timestamp}\n{recv_window}\n{nonce}", run.api_key).as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    call(
        ws,
        1,
        "auth",
        serde_json::json!({ "apiKey": run.api_key, "timestamp": timestamp, "recvWindow": recv_window, "nonce": nonce, "signature": signature }),
    )?;
    Ok(())
}

/// The params of the two alternating requests, as JSON text: a buy, then a sell of 99.8% of what
/// the buy brings at the current price.
fn request_bodies(ws: &mut Socket, run: &Run) -> Result<[String; 2], Fail> {
    let buy = quote(ws, 2, run, "buy", &run.buy_quote)?;
    let brings: u128 = buy
        .amount_out
        .parse()
        .map_err(|_| "quote: amountOut is not an integer")?;
    let sell_base = (brings * 998 / 1000).to_string();
    let sell = quote(ws, 3, run, "sell", &sell_base)?;
    Ok([(buy, "buy", &run.buy_quote), (sell, "sell", &sell_base)].map(|(q, side, amount_in)| {
        if run.method == "placeOrder" {
            serde_json::json!({ "market": run.market, "side": side, "kind": "market", "amountIn": amount_in, "minOut": q.min_out }).to_string()
        } else {
            serde_json::json!({ "market": run.market, "side": side, "amountIn": amount_in, "slippageBps": SLIPPAGE_BPS }).to_string()
        }
    }))
}

/// What a `quote` answer gives the client.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Quote {
    amount_out: String,
    min_out: String,
}

/// Slippage allowed on every order: its minimum received is the quote's amount out less this.
const SLIPPAGE_BPS: u32 = 100;

fn quote(ws: &mut Socket, id: u64, run: &Run, side: &str, amount_in: &str) -> Result<Quote, Fail> {
    let result = call(
        ws,
        id,
        "quote",
        serde_json::json!({ "market": run.market, "side": side, "amountIn": amount_in, "slippageBps": SLIPPAGE_BPS }),
    )?;
    Ok(serde_json::from_value(result).map_err(|e| format!("quote: {e}"))?)
}

/// Ok(true) when the write would block and bytes wait in the client's buffer.
fn would_block(result: tungstenite::Result<()>) -> Result<bool, Fail> {
    match result {
        Ok(()) => Ok(false),
        Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// Blocks until the socket is readable (or writable, when bytes wait to go) or `timeout` passes.
fn wait_readable(fd: i32, timeout: Duration, writable_too: bool) -> Result<(), Fail> {
    let mut pollfd = libc::pollfd {
        fd,
        events: libc::POLLIN | if writable_too { libc::POLLOUT } else { 0 },
        revents: 0,
    };
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    let rc = unsafe { libc::ppoll(&mut pollfd, 1, &ts, std::ptr::null()) };
    if rc < 0 {
        let err = std::io::Error::last_os_error();
        if err.kind() != ErrorKind::Interrupted {
            return Err(err.into());
        }
    }
    Ok(())
}

/// Puts this (the only) thread under SCHED_FIFO at `priority`; says what it got.
fn set_realtime(priority: i32) -> String {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    if unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) } == 0 {
        format!("fifo {priority}")
    } else {
        format!(
            "ordinary (SCHED_FIFO {priority} refused: {})",
            std::io::Error::last_os_error()
        )
    }
}

/// µs since the Unix epoch, as the gateway's usIn and usOut count them.
fn wall_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

fn micros(d: Duration) -> u32 {
    d.as_micros().min(u32::MAX as u128) as u32
}

/// This thread's ns on a CPU and ns runnable waiting for one, with the moment read.
fn thread_schedstat() -> Option<(Instant, u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    Some((Instant::now(), fields.next()??, fields.next()??))
}

fn share(start: (Instant, u64, u64), end: (Instant, u64, u64)) -> ThreadShare {
    let wall = (end.0 - start.0).as_nanos() as f64;
    let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
    ThreadShare {
        busy: round3((end.1 - start.1) as f64 / wall),
        waiting: round3((end.2 - start.2) as f64 / wall),
    }
}
