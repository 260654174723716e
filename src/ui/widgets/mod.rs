//! Reusable drawing components shared by the panes.

pub mod chooser;
pub mod confirm;
pub mod fit;
pub mod form;
pub mod help;
pub mod palette;
pub mod stale;
pub mod table;
pub mod text_view;
