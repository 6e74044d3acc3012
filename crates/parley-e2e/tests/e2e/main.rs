//! End-to-end flows in headless Chromium against the real server and the release build.

mod cards;
mod chat;
mod leave_message;
mod loader;
mod pictures;
mod skeleton;
mod workbench;
