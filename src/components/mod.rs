//! Components shared by several pages.

pub mod cards;
pub mod debug_panel;
pub mod leave_message_form;
