//! End-to-end flows in headless Chromium against the real server and the release build.

mod chat;
mod skeleton;
