# wasip2-doctor, built from this repository's Cargo workspace.
# Its tests run in the build; the checks that probe a real environment are checks.doctor.
{ lib
, rustPlatform
}:
import ../lib/workspace-package.nix { inherit lib rustPlatform; } "wasip2-doctor"
