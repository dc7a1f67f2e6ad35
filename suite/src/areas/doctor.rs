//! (being written)

use crate::Suite;

pub fn run(_suite: &mut Suite) {}
