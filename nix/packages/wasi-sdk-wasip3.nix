# The wasi-sdk with clang drivers for wasm32-wasip3 where the release has none. wasi-sdk 30 builds
# no wasip3 target (its WASI_SDK_TARGETS end at wasm32-wasip2, so there is neither a
# wasm32-wasip3 sysroot nor a bin/wasm32-wasip3-clang; wasi-sdk 34 is the first to build one),
# yet Rust's bootstrap and the cc crate compile wasm32-wasip3 C with
# $WASI_SDK_PATH/bin/wasm32-wasip3-clang. Rust 1.95 links wasm32-wasip3 programs against the
# wasip2 libc.a, so the drivers compile for the wasm32-wasip3 triple against the headers of that
# libc: the wasip2 ones, searched after clang's own as a wasip2 build searches them (they say
# __wasip2__ themselves, in wasi/version.h). A release that has the drivers keeps its own.
{ runCommand
, symlinkJoin
, writeShellScript
, wasi-sdk
}:
let
  sysroot = "${wasi-sdk}/share/wasi-sysroot";
  # cc passes --target=wasm32-wasip3 after these arguments too; the wasip2 driver brings the
  # release's resource directory and sysroot.
  driver = name: extraFlags: writeShellScript "wasm32-wasip3-${name}" ''
    exec ${wasi-sdk}/bin/wasm32-wasip2-${name} --target=wasm32-wasip3 ${extraFlags}-idirafter ${sysroot}/include/wasm32-wasip2 "$@"
  '';
  drivers = runCommand "wasm32-wasip3-clang-drivers" { } ''
    mkdir -p $out/bin
    ln -s ${driver "clang" ""} $out/bin/wasm32-wasip3-clang
    ln -s ${driver "clang++" "-isystem ${sysroot}/include/wasm32-wasip2/c++/v1 "} $out/bin/wasm32-wasip3-clang++
  '';
in
symlinkJoin {
  name = "wasi-sdk-wasip3-${wasi-sdk.version}";
  pname = "wasi-sdk-wasip3";
  inherit (wasi-sdk) version;
  # The release first: its own wasm32-wasip3 drivers, where it has them, win.
  paths = [
    wasi-sdk
    drivers
  ];
  postBuild = ''
    test -x $out/bin/wasm32-wasip3-clang
    test -f $out/share/wasi-sysroot/lib/wasm32-wasip2/libc.a
  '';
  passthru = {
    inherit sysroot;
    release = wasi-sdk.release or wasi-sdk.version;
    inherit drivers;
  };
  meta = {
    inherit (wasi-sdk.meta) license platforms;
    description = "wasi-sdk with clang drivers for wasm32-wasip3 (compiling against the wasip2 libc Rust links it with)";
    mainProgram = "wasm32-wasip3-clang";
  };
}
