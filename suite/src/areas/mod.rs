//! One module per area of the suite, run in this order: later areas use the parts that earlier
//! ones assembled or built.

pub mod binary_cache;
pub mod build_attributes;
pub mod crate_suites;
pub mod cxx;
pub mod doctor;
pub mod flake_eval;
pub mod lint;
pub mod nix;
pub mod nix_builds;
pub mod parts;
pub mod rust_std;
pub mod rustc_source;
pub mod templates;
pub mod test_runner;
pub mod ui_report;
pub mod ui_tests;
pub mod wasip3;

use crate::Suite;

pub fn run_all(suite: &mut Suite) {
    parts::run(suite);
    lint::run(suite);
    nix::run(suite);
    build_attributes::run(suite);
    rust_std::run(suite);
    nix_builds::run(suite);
    flake_eval::run(suite);
    binary_cache::run(suite);
    ui_tests::run(suite);
    ui_report::run(suite);
    rustc_source::run(suite);
    doctor::run(suite);
    templates::run(suite);
    cxx::run(suite);
    test_runner::run(suite);
    crate_suites::run(suite);
    wasip3::run(suite);
}
