//! Server integration tests: the real router on a real socket, against a real SQLite
//! file and a real PostgreSQL server (see `helpers`).

mod accept;
mod attacks;
mod binary;
mod cards;
mod exchange;
mod helpers;
mod images;
mod init;
mod instances;
mod invitations;
mod loader;
mod ops;
mod pages;
mod reception;
mod reconnect;
mod restart;
mod security;
mod tickets;
mod traces;
mod workbench;
