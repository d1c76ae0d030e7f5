//! Tiny HTTP backends on 127.0.0.1: each answers with its name (`Connection: close`), or refuses (its port is not
//! listening), closes early (reads the request, then closes without a response) or stalls (holds the request until
//! released). Every request that reaches a backend is reported on one channel, in arrival order.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a stalled request waits for its release before answering anyway (a bound, never reached in a pass).
const STALL_LIMIT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 200 with the backend's name as the body.
    Answer,
    /// The port is closed: connecting is refused.
    Refuse,
    /// Reads the whole request, then closes the connection without answering.
    CloseEarly,
    /// Reads the request and holds it until [`Backends::release`], then answers.
    Stall,
}

/// A request that reached a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub backend: usize,
    pub method: String,
}

struct Shared {
    mode: Mutex<Mode>,
    /// Bumped by a release; a stalled request waits until it changes.
    release_gen: Mutex<u64>,
    cv: Condvar,
    stop: AtomicBool,
}

struct Backend {
    name: String,
    port: u16,
    shared: Arc<Shared>,
    /// The accept loop of the current listener and its own stop flag (None while refusing).
    listener: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

/// N backends; dropping this closes every listener and releases every stalled request.
pub struct Backends {
    list: Vec<Backend>,
    tx: Sender<Arrival>,
    rx: Receiver<Arrival>,
    handlers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Backends {
    /// Starts one answering backend per name, each on a free loopback port.
    pub fn start(names: &[&str]) -> Result<Backends, String> {
        let (tx, rx) = channel();
        let mut b = Backends { list: Vec::new(), tx, rx, handlers: Arc::new(Mutex::new(Vec::new())) };
        for name in names {
            let shared = Arc::new(Shared {
                mode: Mutex::new(Mode::Answer),
                release_gen: Mutex::new(0),
                cv: Condvar::new(),
                stop: AtomicBool::new(false),
            });
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("backend {name}: bind: {e}"))?;
            let port = l.local_addr().map_err(|e| e.to_string())?.port();
            let mut be = Backend { name: name.to_string(), port, shared, listener: None };
            let idx = b.list.len();
            be.listener = Some(spawn_accept(l, idx, &be, b.tx.clone(), b.handlers.clone())?);
            b.list.push(be);
        }
        Ok(b)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn name(&self, i: usize) -> &str {
        &self.list[i].name
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|b| b.name == name)
    }

    /// `127.0.0.1:<port>`: the `server` string in nginx's config.
    pub fn addr(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.list[i].port)
    }

    pub fn mode(&self, i: usize) -> Mode {
        *self.list[i].shared.mode.lock().unwrap()
    }

    /// Switches backend `i` to `mode`; Refuse closes its port, anything else (re)opens it.
    pub fn set_mode(&mut self, i: usize, mode: Mode) -> Result<(), String> {
        *self.list[i].shared.mode.lock().unwrap() = mode;
        let be = &mut self.list[i];
        if mode == Mode::Refuse {
            if let Some((stop, h)) = be.listener.take() {
                stop.store(true, Ordering::SeqCst);
                let _ = h.join();
            }
        } else if be.listener.is_none() {
            // std sets SO_REUSEADDR on Unix: the same port binds again at once.
            let deadline = Instant::now() + Duration::from_secs(3);
            let l = loop {
                match TcpListener::bind(("127.0.0.1", be.port)) {
                    Ok(l) => break l,
                    Err(e) if Instant::now() > deadline => return Err(format!("backend {}: rebind: {e}", be.name)),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            };
            let tx = self.tx.clone();
            let handlers = self.handlers.clone();
            let be = &self.list[i];
            let acc = spawn_accept(l, i, be, tx, handlers)?;
            self.list[i].listener = Some(acc);
        }
        Ok(())
    }

    /// Lets every request stalled on backend `i` answer now (the backend's mode stays as it is).
    pub fn release(&self, i: usize) {
        let s = &self.list[i].shared;
        *s.release_gen.lock().unwrap() += 1;
        s.cv.notify_all();
    }

    /// The arrivals so far, not yet taken.
    pub fn take_arrivals(&self) -> Vec<Arrival> {
        self.rx.try_iter().collect()
    }

    /// Waits (at most `timeout`) for one arrival.
    pub fn next_arrival(&self, timeout: Duration) -> Option<Arrival> {
        self.rx.recv_timeout(timeout).ok()
    }
}

impl Drop for Backends {
    fn drop(&mut self) {
        for be in &mut self.list {
            be.shared.stop.store(true, Ordering::SeqCst);
            *be.shared.release_gen.lock().unwrap() += 1;
            be.shared.cv.notify_all();
            if let Some((stop, h)) = be.listener.take() {
                stop.store(true, Ordering::SeqCst);
                let _ = h.join();
            }
        }
        let hs: Vec<_> = self.handlers.lock().unwrap().drain(..).collect();
        for h in hs {
            let _ = h.join();
        }
    }
}

fn spawn_accept(
    l: TcpListener,
    idx: usize,
    be: &Backend,
    tx: Sender<Arrival>,
    handlers: Arc<Mutex<Vec<JoinHandle<()>>>>,
) -> Result<(Arc<AtomicBool>, JoinHandle<()>), String> {
    l.set_nonblocking(true).map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let shared = be.shared.clone();
    let name = be.name.clone();
    let h = std::thread::spawn(move || {
        while !stop2.load(Ordering::SeqCst) && !shared.stop.load(Ordering::SeqCst) {
            match l.accept() {
                Ok((s, peer)) => {
                    let (shared, name, tx) = (shared.clone(), name.clone(), tx.clone());
                    let h = std::thread::spawn(move || serve(s, peer, idx, &name, &shared, &tx));
                    handlers.lock().unwrap().push(h);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
        // The listener drops here: the port refuses from now on.
    });
    Ok((stop, h))
}

/// Reads one request (headers and a Content-Length body), reports it, then acts by the backend's mode.
fn serve(mut s: TcpStream, _peer: SocketAddr, idx: usize, name: &str, shared: &Shared, tx: &Sender<Arrival>) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let method = head.split_whitespace().next().unwrap_or("").to_string();
    let len: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let gen0 = *shared.release_gen.lock().unwrap();
    let mode = *shared.mode.lock().unwrap();
    let _ = tx.send(Arrival { backend: idx, method });
    match mode {
        Mode::CloseEarly => {
            let _ = s.shutdown(std::net::Shutdown::Both);
            return;
        }
        Mode::Stall => {
            let deadline = Instant::now() + STALL_LIMIT;
            let mut g = shared.release_gen.lock().unwrap();
            while *g == gen0 && Instant::now() < deadline {
                g = shared.cv.wait_timeout(g, Duration::from_millis(200)).unwrap().0;
            }
        }
        Mode::Answer | Mode::Refuse => {}
    }
    let resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{name}",
        name.len()
    );
    let _ = s.write_all(resp.as_bytes());
    let _ = s.flush();
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}
