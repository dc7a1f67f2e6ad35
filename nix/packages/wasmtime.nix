# nixpkgs' Wasmtime (45.0.x at the pin: it runs wasm32-wasip2 components and, with
# `-W exceptions=y`, the unwinding std), refused at evaluation when it is too old for that.
# wasm32-wasip3 takes wasmtime-p3 instead (WASI 0.3.0 needs Wasmtime >= 46).
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
