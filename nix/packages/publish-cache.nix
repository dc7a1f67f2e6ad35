# publish-cache: signs the closures of what this flake builds from source and copies them to a
# Nix binary cache. It runs the `nix` and `nix-store` of the machine it is started on, the ones
# that own the store it publishes from, so it takes no Nix of its own.
# Its tests replace Nix with a recorded fake, so they run in the sandbox.
{ lib
, rustPlatform
}:
import ../lib/workspace-package.nix { inherit lib rustPlatform; } "publish-cache"
