//! Components shared by several pages, and the chat view's parts. Pure rules live in
//! plain functions beside their component, tested on the host.

pub mod cards;
pub mod composer;
pub mod connection_banner;
pub mod debug_panel;
pub mod evaluation;
pub mod file_card;
pub mod image_uploads;
pub mod leave_message_form;
pub mod leave_panel;
pub mod message_list;
pub mod reception_notice;
pub mod rich_text;
pub mod screenshot;
pub mod theme;
pub mod top_bar;
pub mod transcript;
