//! A real nginx as a child process: its own prefix in a temp directory, one worker, loopback only. Dropping the
//! guard stops it (SIGTERM, then SIGKILL after 3 s) and removes the directory.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const INSTALL: &str = "apt-get install -y nginx";

/// The nginx binary: $NGINX, /usr/sbin/nginx, or `nginx` on PATH. Panics with the install command otherwise (the
/// cross-check is never skipped).
pub fn nginx_binary() -> PathBuf {
    let candidates = [std::env::var_os("NGINX").map(PathBuf::from), Some(PathBuf::from("/usr/sbin/nginx"))];
    for c in candidates.into_iter().flatten() {
        if c.is_file() {
            return c;
        }
    }
    if let Some(p) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&p) {
            let c = d.join("nginx");
            if c.is_file() {
                return c;
            }
        }
    }
    panic!("nginx is not installed; the nginx cross-check needs it (as root): {INSTALL}");
}

/// The `upstream backend { ... }` block of the project's export ([`msa_sim::proxy::to_nginx`]), without its
/// `server {}` (which listens on all interfaces): the harness writes its own loopback server.
pub fn upstream_block(exported: &str) -> Result<String, String> {
    let start = exported.find("upstream backend {").ok_or("export has no `upstream backend {`")?;
    let rest = &exported[start..];
    let end = rest.find("\n}\n").ok_or("export's upstream block is not closed")?;
    Ok(rest[..end + 3].to_string())
}

pub fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

pub struct Nginx {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

impl Nginx {
    /// Starts nginx with `upstream` (an `upstream backend {}` block) and a loopback server whose `location /`
    /// proxies to it with `location_extra` directives. Waits (at most 5 s) until it accepts.
    pub fn start(upstream: &str, location_extra: &str) -> Result<Nginx, String> {
        let bin = nginx_binary();
        let mut last = String::new();
        for _ in 0..3 {
            let dir = std::env::temp_dir().join(format!(
                "check-nginx-{}-{}",
                std::process::id(),
                SEQ.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("logs")).map_err(|e| format!("{}: {e}", dir.display()))?;
            let port = free_port()?;
            let conf = config_text(&dir, port, upstream, location_extra);
            std::fs::write(dir.join("nginx.conf"), &conf).map_err(|e| e.to_string())?;
            let child = Command::new(&bin)
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(dir.join("nginx.conf"))
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("{}: {e} (install: {INSTALL})", bin.display()))?;
            let mut n = Nginx { child: Some(child), port, dir };
            match n.wait_ready() {
                Ok(()) => return Ok(n),
                Err(e) => last = format!("{e}\n--- nginx.conf ---\n{conf}"),
            }
        }
        Err(last)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(st)) = c.try_wait() {
                    let mut err = String::new();
                    if let Some(mut e) = c.stderr.take() {
                        let _ = e.read_to_string(&mut err);
                    }
                    return Err(format!("nginx exited ({st}): {err}\n{}", self.error_log()));
                }
            }
            // nginx writes its pid file only once it holds its listening socket. Until then the port may answer
            // for someone else: free_port() released it, and a backend of a test running in parallel can bind it
            // before nginx does (nginx then retries bind() for seconds while requests reach the wrong server).
            if self.dir.join("nginx.pid").exists()
                && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("nginx did not accept on {addr} within 5 s\n{}", self.error_log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn error_log_len(&self) -> u64 {
        std::fs::metadata(self.dir.join("error.log")).map(|m| m.len()).unwrap_or(0)
    }

    /// The error log from byte `from` on.
    pub fn error_log_from(&self, from: u64) -> String {
        let all = std::fs::read(self.dir.join("error.log")).unwrap_or_default();
        String::from_utf8_lossy(all.get(from as usize..).unwrap_or(&[])).into_owned()
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SIGTERM: the master stops its worker too. Then SIGKILL if it lingers.
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::env::var_os("CHECK_NGINX_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn config_text(dir: &Path, port: u16, upstream: &str, location_extra: &str) -> String {
    let d = dir.display();
    let user = if is_root() { "user root;\n" } else { "" };
    format!(
        "# check-nginx: one worker, own prefix, loopback only\n\
daemon off;\nworker_processes 1;\n{user}pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
events {{ worker_connections 512; }}\n\
http {{\n    access_log off;\n\
    client_body_temp_path {d}/client_body_temp;\n    proxy_temp_path {d}/proxy_temp;\n\
    fastcgi_temp_path {d}/fastcgi_temp;\n    uwsgi_temp_path {d}/uwsgi_temp;\n    scgi_temp_path {d}/scgi_temp;\n\n\
{upstream}\n\
    server {{\n        listen 127.0.0.1:{port};\n        location / {{\n            proxy_pass http://backend;\n\
{location_extra}        }}\n    }}\n}}\n"
    )
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}
