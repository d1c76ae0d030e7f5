//! A minimal PostgreSQL client: protocol 3.0, trust authentication, the simple query protocol, one statement per
//! query. [`Conn::send`] writes a query and returns at once; [`Conn::poll`] waits up to a bound for the reply, so a
//! statement that blocks on a row lock shows up as "no reply yet" without a thread per session.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// An `ErrorResponse`: the SQLSTATE and the primary message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgError {
    pub sqlstate: String,
    pub message: String,
}

/// The reply to one simple query: its rows (text format), its command tag, or its error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub rows: Vec<Vec<Option<String>>>,
    pub tag: Option<String>,
    pub error: Option<PgError>,
}

impl Reply {
    /// The row count of an `UPDATE n` / `INSERT 0 n` / `DELETE n` tag.
    pub fn count(&self) -> Option<u64> {
        self.tag.as_deref()?.rsplit(' ').next()?.parse().ok()
    }

    /// The first column of the first row, parsed.
    pub fn scalar(&self) -> Option<i64> {
        self.rows.first()?.first()?.as_deref()?.parse().ok()
    }
}

pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// The reply being assembled for the query in flight.
    partial: Reply,
    in_flight: bool,
}

fn err(msg: impl Into<String>) -> io::Error {
    io::Error::other(msg.into())
}

fn cstr(b: &[u8]) -> (String, &[u8]) {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    (String::from_utf8_lossy(&b[..end]).into_owned(), b.get(end + 1..).unwrap_or(&[]))
}

fn parse_error(mut body: &[u8]) -> PgError {
    let mut e = PgError { sqlstate: String::new(), message: String::new() };
    while let Some((&code, rest)) = body.split_first() {
        if code == 0 {
            break;
        }
        let (s, rest) = cstr(rest);
        match code {
            b'C' => e.sqlstate = s,
            b'M' => e.message = s,
            _ => {}
        }
        body = rest;
    }
    e
}

impl Conn {
    /// Connects to 127.0.0.1:`port` as user `postgres`, database `postgres` (trust authentication).
    pub fn connect(port: u16) -> io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        let mut c = Conn { stream, buf: Vec::new(), partial: Reply::default(), in_flight: true };
        let mut body = Vec::new();
        body.extend_from_slice(&196608u32.to_be_bytes());
        for s in ["user", "postgres", "database", "postgres", "application_name", "check-postgres"] {
            body.extend_from_slice(s.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut msg = ((body.len() + 4) as u32).to_be_bytes().to_vec();
        msg.extend_from_slice(&body);
        c.stream.write_all(&msg)?;
        match c.poll(Duration::from_secs(10))? {
            Some(Reply { error: Some(e), .. }) => Err(err(format!("connect: {} {}", e.sqlstate, e.message))),
            Some(_) => Ok(c),
            None => Err(err("connect: no ReadyForQuery within 10 s")),
        }
    }

    /// Sends one query without waiting for its reply.
    pub fn send(&mut self, sql: &str) -> io::Result<()> {
        if self.in_flight {
            return Err(err("a query is already in flight"));
        }
        let mut msg = vec![b'Q'];
        msg.extend_from_slice(&((sql.len() + 5) as u32).to_be_bytes());
        msg.extend_from_slice(sql.as_bytes());
        msg.push(0);
        self.stream.write_all(&msg)?;
        self.partial = Reply::default();
        self.in_flight = true;
        Ok(())
    }

    /// True while a query's reply has not fully arrived.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Waits up to `timeout` for the reply of the query in flight: `Some` once `ReadyForQuery` arrived.
    pub fn poll(&mut self, timeout: Duration) -> io::Result<Option<Reply>> {
        if !self.in_flight {
            return Err(err("no query in flight"));
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(r) = self.parse_buffered()? {
                return Ok(Some(r));
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            self.stream.set_read_timeout(Some((deadline - now).max(Duration::from_micros(100))))?;
            let mut chunk = [0u8; 8192];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(err("server closed the connection")),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends a query and waits (up to 10 s) for its reply.
    pub fn query(&mut self, sql: &str) -> io::Result<Reply> {
        self.send(sql)?;
        self.poll(Duration::from_secs(10))?.ok_or_else(|| err(format!("no reply within 10 s to {sql}")))
    }

    /// [`Conn::query`] that turns an SQL error into an `io::Error`.
    pub fn exec(&mut self, sql: &str) -> io::Result<Reply> {
        let r = self.query(sql)?;
        match &r.error {
            Some(e) => Err(err(format!("{sql}: {} {}", e.sqlstate, e.message))),
            None => Ok(r),
        }
    }

    /// Consumes complete messages from the buffer; returns the reply at `ReadyForQuery`.
    fn parse_buffered(&mut self) -> io::Result<Option<Reply>> {
        loop {
            if self.buf.len() < 5 {
                return Ok(None);
            }
            let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]) as usize;
            if len < 4 {
                return Err(err("bad message length"));
            }
            if self.buf.len() < 1 + len {
                return Ok(None);
            }
            let kind = self.buf[0];
            let body: Vec<u8> = self.buf[5..1 + len].to_vec();
            self.buf.drain(..1 + len);
            match kind {
                b'R' => {
                    let code = body.get(..4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                    if code != Some(0) {
                        return Err(err(format!("authentication {code:?} requested: the cluster must use trust")));
                    }
                }
                b'D' => {
                    let mut row = Vec::new();
                    let n = u16::from_be_bytes([body[0], body[1]]) as usize;
                    let mut p = 2;
                    for _ in 0..n {
                        let l = i32::from_be_bytes([body[p], body[p + 1], body[p + 2], body[p + 3]]);
                        p += 4;
                        if l < 0 {
                            row.push(None);
                        } else {
                            let l = l as usize;
                            row.push(Some(String::from_utf8_lossy(&body[p..p + l]).into_owned()));
                            p += l;
                        }
                    }
                    self.partial.rows.push(row);
                }
                b'C' => self.partial.tag = Some(cstr(&body).0),
                b'E' => self.partial.error = Some(parse_error(&body)),
                b'Z' => {
                    self.in_flight = false;
                    return Ok(Some(std::mem::take(&mut self.partial)));
                }
                // RowDescription, ParameterStatus, BackendKeyData, NoticeResponse, EmptyQueryResponse, ...
                _ => {}
            }
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // Terminate: the backend ends (rolling back an open transaction) without logging an EOF complaint.
        let _ = self.stream.write_all(&[b'X', 0, 0, 0, 4]);
    }
}
