//! Components shared by several pages.

pub mod debug_panel;
