//! End-to-end flows in headless Chromium against the real server and the release build.

mod admin;
mod cards;
mod chat;
mod evaluation;
mod files;
mod leave_link;
mod leave_message;
mod loader;
mod pictures;
mod reports;
mod skeleton;
mod workbench;
