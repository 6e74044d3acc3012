//! Server integration tests: the real router on a real socket, against a real SQLite
//! file and a real PostgreSQL server (see `helpers`).

mod accept;
mod attacks;
mod binary;
mod cards;
mod chat_files;
mod evaluation;
mod exchange;
mod group_commit;
mod helpers;
mod images;
mod init;
mod instances;
mod invitations;
mod link_params;
mod loader;
mod ops;
mod overflow;
mod pages;
mod reception;
mod reconnect;
mod reports;
mod restart;
mod security;
mod settings;
mod tickets;
mod traces;
mod unread;
mod workbench;
