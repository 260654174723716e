//! Reusable drawing components shared by the panes.

pub mod chooser;
pub mod confirm;
pub mod form;
pub mod help;
pub mod palette;
pub mod table;
pub mod text_view;
