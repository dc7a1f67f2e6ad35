# nixpkgs' Wasmtime, refused at evaluation when it is too old to run wasip2 components.
{ lib
, wasmtime
, minimumVersion
}:
assert lib.assertMsg (lib.versionAtLeast wasmtime.version minimumVersion) ''
  wasip2: the given wasmtime is ${wasmtime.version}, but running wasm32-wasip2 components needs
  Wasmtime >= ${minimumVersion}. Use a newer nixpkgs (`--override-input nixpkgs …`) or override
  `wasmtime` with a newer package.
'';
wasmtime
