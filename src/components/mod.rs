//! Components shared by several pages.

pub mod cards;
pub mod debug_panel;
