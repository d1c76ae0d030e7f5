//! The event log a learner reads as text, and the trace hash that checks determinism.
//!
//! Every notable step of a run becomes a [`LogEntry`] (structured data: the app may render it in Korean; the
//! `Display` impl is the English text). The text log keeps only the last `log_capacity` entries, but the trace
//! hash folds in every entry of the run: FNV-1a 64 (one step per 64-bit field) over the time and fields of each entry.

use super::config::Fault;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// Why an attempt failed, in nginx's terms (`NGX_HTTP_UPSTREAM_FT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttemptFailure {
    /// connect() refused: the server is down; nothing was sent.
    Refused,
    /// The connection was reset after the request was sent (the server crashed meanwhile).
    Reset,
    /// No answer within the timeout.
    Timeout,
    /// The backend answered 500.
    Http500,
    /// The backend answered 503 (its queue was full).
    Http503,
}

impl AttemptFailure {
    fn code(self) -> u64 {
        match self {
            AttemptFailure::Refused => 1,
            AttemptFailure::Reset => 2,
            AttemptFailure::Timeout => 3,
            AttemptFailure::Http500 => 4,
            AttemptFailure::Http503 => 5,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            AttemptFailure::Refused => "connection refused",
            AttemptFailure::Reset => "connection reset",
            AttemptFailure::Timeout => "timed out",
            AttemptFailure::Http500 => "HTTP 500",
            AttemptFailure::Http503 => "HTTP 503",
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LogKind {
    /// A client sent a request (`post`: a POST, else a GET).
    Arrived {
        req: u64,
        client: u32,
        post: bool,
    },
    /// The proxy sent attempt `attempt` of a request to a server.
    Sent {
        req: u64,
        server: usize,
        attempt: u32,
    },
    /// Every live server was at max_conns: the request waits in the proxy queue.
    Queued {
        req: u64,
    },
    /// An attempt failed; `retry` tells whether proxy_next_upstream sends it on.
    AttemptFailed {
        req: u64,
        server: usize,
        why: AttemptFailure,
        retry: bool,
    },
    /// The proxy answered the client.
    Answered {
        req: u64,
        status: u16,
        latency_us: u64,
    },
    /// "no live upstreams": no server could be tried (502 at once).
    NoLive {
        req: u64,
    },
    /// Dropped by the proxy queue (`full`, or it waited too long).
    Dropped {
        req: u64,
        full: bool,
    },
    /// A request landed on a server without its session.
    SessionLost {
        req: u64,
        client: u32,
        server: usize,
    },
    /// Passive checks: fails reached max_fails ("upstream server temporarily disabled").
    Disabled {
        server: usize,
    },
    /// Active checks marked a server down or up.
    CheckDown {
        server: usize,
    },
    CheckUp {
        server: usize,
    },
    /// A fault was injected.
    Fault {
        server: usize,
        fault: Fault,
    },
    /// A server was set down / up by hand, added or removed.
    MarkedDown {
        server: usize,
        down: bool,
    },
    Added {
        server: usize,
    },
    Removed {
        server: usize,
    },
}

impl LogKind {
    /// The fields the trace hash folds in: a kind code and up to four numbers.
    #[inline]
    fn fields(&self) -> [u64; 5] {
        match *self {
            LogKind::Arrived { req, client, post } => [1, req, client as u64, post as u64, 0],
            LogKind::Sent { req, server, attempt } => [2, req, server as u64, attempt as u64, 0],
            LogKind::Queued { req } => [3, req, 0, 0, 0],
            LogKind::AttemptFailed { req, server, why, retry } => [4, req, server as u64, why.code(), retry as u64],
            LogKind::Answered { req, status, latency_us } => [5, req, status as u64, latency_us, 0],
            LogKind::NoLive { req } => [6, req, 0, 0, 0],
            LogKind::Dropped { req, full } => [7, req, full as u64, 0, 0],
            LogKind::SessionLost { req, client, server } => [8, req, client as u64, server as u64, 0],
            LogKind::Disabled { server } => [9, server as u64, 0, 0, 0],
            LogKind::CheckDown { server } => [10, server as u64, 0, 0, 0],
            LogKind::CheckUp { server } => [11, server as u64, 0, 0, 0],
            LogKind::Fault { server, fault } => {
                let (k, x) = match fault {
                    Fault::Crash => (1, 0),
                    Fault::Hang => (2, 0),
                    Fault::Slow(f) => (3, f.to_bits()),
                    Fault::ErrorRate(p) => (4, p as u64),
                    Fault::Revive => (5, 0),
                };
                [12, server as u64, k, x, 0]
            }
            LogKind::MarkedDown { server, down } => [13, server as u64, down as u64, 0, 0],
            LogKind::Added { server } => [14, server as u64, 0, 0, 0],
            LogKind::Removed { server } => [15, server as u64, 0, 0, 0],
        }
    }
}

/// One line of the event log. `names` resolve server indices when printing ([`LogEntry::render`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: SimTime,
    pub kind: LogKind,
}

impl LogEntry {
    /// English text, with server names from `names` (index order).
    pub fn render(&self, names: &[String]) -> String {
        let n = |i: usize| names.get(i).map(String::as_str).unwrap_or("?");
        let what = match &self.kind {
            LogKind::Arrived { req, client, post } => {
                format!("request #{req} from client {client}: {}", if *post { "POST" } else { "GET" })
            }
            LogKind::Sent { req, server, attempt } => format!("#{req} -> {} (try {attempt})", n(*server)),
            LogKind::Queued { req } => format!("#{req} waits in the proxy queue (all servers at max_conns)"),
            LogKind::AttemptFailed { req, server, why, retry } => format!(
                "#{req} at {}: {}{}",
                n(*server),
                why.name(),
                if *retry { ", trying the next server" } else { "" }
            ),
            LogKind::Answered { req, status, latency_us } => {
                format!("#{req} answered {status} after {}", Ms(*latency_us))
            }
            LogKind::NoLive { req } => format!("#{req}: no live upstreams, 502"),
            LogKind::Dropped { req, full } => {
                format!(
                    "#{req} dropped, 503 ({})",
                    if *full { "proxy queue full" } else { "waited too long in the queue" }
                )
            }
            LogKind::SessionLost { req, client, server } => {
                format!("#{req}: {} has no session for client {client} (session lost)", n(*server))
            }
            LogKind::Disabled { server } => {
                format!("{}: max_fails reached, temporarily disabled for fail_timeout", n(*server))
            }
            LogKind::CheckDown { server } => format!("{}: health check failed 'fall' times, marked DOWN", n(*server)),
            LogKind::CheckUp { server } => format!("{}: health check passed 'rise' times, marked UP", n(*server)),
            LogKind::Fault { server, fault } => match fault {
                Fault::Crash => format!("{} crashed (connections refused)", n(*server)),
                Fault::Hang => format!("{} hangs (accepts, never answers)", n(*server)),
                Fault::Slow(x) => format!("{} is {x}x slower", n(*server)),
                Fault::ErrorRate(p) => format!("{} answers 500 to {p} of 1000 requests", n(*server)),
                Fault::Revive => format!("{} is healthy again", n(*server)),
            },
            LogKind::MarkedDown { server, down } => {
                format!("{} marked {}", n(*server), if *down { "down" } else { "up" })
            }
            LogKind::Added { server } => format!("{} added to the upstream", n(*server)),
            LogKind::Removed { server } => format!("{} removed from the upstream", n(*server)),
        };
        format!("{} {}", self.at, what)
    }
}

struct Ms(u64);
impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} ms", self.0 / 1000, self.0 % 1000)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The bounded text log plus the running trace hash.
#[derive(Clone, Debug, PartialEq)]
pub struct EventLog {
    capacity: usize,
    entries: VecDeque<LogEntry>,
    hash: u64,
    count: u64,
}

impl EventLog {
    pub fn new(capacity: usize) -> EventLog {
        EventLog { capacity, entries: VecDeque::new(), hash: FNV_OFFSET, count: 0 }
    }

    #[inline]
    pub fn push(&mut self, at: SimTime, kind: LogKind) {
        let f = kind.fields();
        // FNV-1a step per 64-bit word rather than per byte: five times cheaper on a million-request run, and
        // still changes with any field of any entry. Written out word by word (time, then the five fields) so the
        // compiler keeps it in registers; the same steps in the same order as a loop over the six words.
        let step = |h: u64, word: u64| (h ^ word).wrapping_mul(FNV_PRIME);
        let mut h = step(self.hash, at.as_us());
        h = step(h, f[0]);
        h = step(h, f[1]);
        h = step(h, f[2]);
        h = step(h, f[3]);
        h = step(h, f[4]);
        self.hash = h;
        self.count += 1;
        if self.capacity == 0 {
            return;
        }
        self.store(at, kind);
    }

    /// Keeps the entry in the bounded text log (out of line: runs with `log_capacity = 0` never get here).
    #[inline(never)]
    fn store(&mut self, at: SimTime, kind: LogKind) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(LogEntry { at, kind });
    }

    /// The last entries, oldest first.
    pub fn entries(&self) -> &VecDeque<LogEntry> {
        &self.entries
    }

    /// FNV-1a 64 over every entry of the run so far.
    pub fn trace_hash(&self) -> u64 {
        self.hash
    }

    /// Entries logged in the whole run (not only those kept).
    pub fn count(&self) -> u64 {
        self.count
    }
}
