//! HTTP routes, one module per audience.

pub mod pages;
pub mod visitor;
