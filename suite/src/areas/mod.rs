//! One module per area of the suite, run in this order: later areas use the parts that earlier
//! ones assembled or built.

pub mod parts;

use crate::Suite;

pub fn run_all(suite: &mut Suite) {
    parts::run(suite);
}
