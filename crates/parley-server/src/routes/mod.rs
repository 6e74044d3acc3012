//! HTTP routes, one module per audience.

pub mod admin;
pub mod agent;
pub mod card;
pub mod evaluation;
pub mod image;
pub mod loader;
pub mod pages;
pub mod reports;
pub mod ticket;
pub mod token;
pub mod visitor;
pub mod workbench;
pub mod ws;
