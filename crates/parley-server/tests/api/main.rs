//! Server integration tests: the real router on a real socket, against a real SQLite
//! file and a real PostgreSQL server (see `helpers`).

mod helpers;
mod init;
mod pages;
