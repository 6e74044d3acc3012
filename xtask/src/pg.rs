//! A throwaway PostgreSQL cluster for the server tests: a temporary folder, a free
//! loopback port, stopped (and removed) when dropped, also when tests fail.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

use crate::tools::postgres_bin;
use crate::{root, run, Result};

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    /// initdb + pg_ctl start. As root, runs as the `postgres` user (initdb refuses root).
    pub fn start() -> Result<Cluster> {
        let bin = postgres_bin().ok_or("no PostgreSQL server binaries (run cargo xtask setup)")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let dir = root().join(format!("target/pg-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let cluster = Cluster {
            dir,
            port,
            bin,
            as_postgres,
        };
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        )?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            cluster.dir.display()
        );
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-o",
                &opts,
                "-l",
                &cluster.dir.join("log").to_string_lossy(),
                "-w",
                "start",
            ],
        )?;
        eprintln!("PostgreSQL listening on 127.0.0.1:{port}");
        Ok(cluster)
    }

    fn pg(&self, tool: &str, args: &[&str]) -> Result {
        let exe = self.bin.join(tool);
        if self.as_postgres {
            run(Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(exe)
                .args(args))
        } else {
            run(Command::new(exe).args(args))
        }
    }

    /// The admin URL; tests create a database each.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
