# A stand-in for rust-overlay's overlay, as far as this flake uses it (`rust-bin.stable.<v>.default`
# with `.override`, `rust-bin.fromRustupToolchainFile`), backed by rustup's official 1.95.0 (the
# same dist artifacts rust-overlay serves) and, for a toolchain file that asks for wasm32-wasip2,
# by the flake's own rust-std-wasip2 (that compiler joined with the wasip2 std built from source:
# no binary wasip2 std can be downloaded here). It proves nothing about rust-overlay's API: that is read in its source.
{
  overlays.default = final: _prev:
    let
      inherit (final) lib;
      parts = builtins.fromJSON (builtins.readFile (builtins.getEnv "WASIP2_STANDIN_PARTS"));
      # The stand-in's rustc is the same rustup release.
      release = final.rustc;
      # No binary wasip2 std can be downloaded here: the flake's own from-source form stands in.
      withWasip2 = final.wasip2.rust-std-wasip2;
      # rustup's rust-src component: the library's source at lib/rustlib/src/rust, which
      # diagnostics quote (UI tests compare them). rustup here has none, so it comes from the
      # source part; the compiler is copied, as rustc takes its sysroot from its real path.
      withSource = final.runCommand "rust-${parts.rustVersion}-with-rust-src"
        {
          source = builtins.path { path = parts.rustSourceTarball; name = "rustc-${parts.rustVersion}-src.tar.gz"; };
          passthru.version = parts.rustVersion;
        }
        ''
          cp -a ${release}/. $out
          chmod -R u+w $out
          mkdir -p $out/lib/rustlib/src/rust
          tar xzf "$source" -C $out/lib/rustlib/src/rust --strip-components=1 \
            rustc-${parts.rustVersion}-src/library rustc-${parts.rustVersion}-src/Cargo.lock
        '';
    in
    {
      rust-bin = {
        stable.${parts.rustVersion}.default = release // {
          # rust-src is the only extension the flake asks for.
          override = { extensions ? [ ], targets ? [ ] }:
            assert lib.assertMsg (targets == [ ]) "rust-overlay stand-in: no binary std for ${toString targets} here";
            assert lib.assertMsg (builtins.all (e: e == "rust-src") extensions) "rust-overlay stand-in: extensions ${toString extensions}";
            if extensions == [ ] then release else withSource;
        };
        fromRustupToolchainFile = file:
          let wanted = (lib.importTOML file).toolchain; in
          assert lib.assertMsg (wanted.channel == parts.rustVersion) "rust-overlay stand-in: channel ${wanted.channel}, but the part is ${parts.rustVersion}";
          if builtins.elem "wasm32-wasip2" (wanted.targets or [ ]) then withWasip2 else release;
      };
    };
}
