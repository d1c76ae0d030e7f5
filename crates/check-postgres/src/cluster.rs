//! A throwaway PostgreSQL 15 cluster: `initdb` into a fresh temp directory, `postgres` on 127.0.0.1 with a port
//! and a socket directory of its own. As root both run as user `postgres` (they refuse root) through `setpriv`.
//! Dropping the [`Cluster`] stops the server (SIGINT: fast shutdown) and deletes the directory.

use crate::wire::Conn;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's postgresql-15 package puts the server binaries.
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
/// What to run when they are missing.
pub const INSTALL_HINT: &str = "apt-get install -y postgresql-15";

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// A command that runs `bin` as user postgres when we are root.
fn as_postgres(bin: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=postgres", "--regid=postgres", "--init-groups"]).arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind an ephemeral port on 127.0.0.1");
    l.local_addr().expect("local addr").port()
}

impl Cluster {
    /// Creates and starts the cluster. Panics with the install command when PostgreSQL 15 is missing: the
    /// cross-check must never be skipped silently.
    pub fn start() -> Cluster {
        let bin = Path::new(PG_BIN);
        for tool in ["initdb", "postgres"] {
            assert!(
                bin.join(tool).exists(),
                "PostgreSQL 15 is not installed ({}/{tool} is missing): run `{INSTALL_HINT}` (as root)",
                PG_BIN
            );
        }
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("check-postgres-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(dir.join("sock")).expect("create the cluster directory");
        let mut cluster = Cluster { dir: dir.clone(), port: 0, child: None };
        if is_root() {
            let st = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status();
            assert!(st.is_ok_and(|s| s.success()), "chown {} to postgres failed", dir.display());
        }
        let out = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-A", "trust", "--no-sync", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let log = std::fs::File::create(dir.join("server.log")).expect("create server.log");
        let port = free_port();
        let child = as_postgres(&bin.join("postgres"))
            .arg("-D")
            .arg(dir.join("data"))
            .arg("-p")
            .arg(port.to_string())
            .arg("-k")
            .arg(dir.join("sock"))
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=20", "-c", "shared_buffers=16MB"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start postgres");
        cluster.child = Some(child);
        cluster.port = port;
        let t0 = Instant::now();
        loop {
            if Conn::connect(port).is_ok() {
                return cluster;
            }
            if let Some(c) = cluster.child.as_mut() {
                if let Ok(Some(st)) = c.try_wait() {
                    panic!("postgres exited at start ({st}): {}", cluster.log());
                }
            }
            assert!(t0.elapsed() < Duration::from_secs(30), "postgres did not accept connections: {}", cluster.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn connect(&self) -> Conn {
        Conn::connect(self.port).unwrap_or_else(|e| panic!("connect to postgres: {e}\n{}", self.log()))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // setpriv execs postgres, so the child is the postmaster: SIGINT is its fast shutdown.
            let _ = Command::new("kill").arg("-INT").arg(child.id().to_string()).status();
            let t0 = Instant::now();
            while t0.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if let Ok(None) = child.try_wait() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
