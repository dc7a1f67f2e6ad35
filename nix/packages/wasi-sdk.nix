# The official wasi-sdk release: clang with wasm32-wasip2 defaults, LLVM's tools and wasi-libc's
# sysroot, unpacked as it ships (bin/, lib/clang/<v>/, share/wasi-sysroot/) so WASI_SDK_PATH
# works for Rust's bootstrap and the cc crate as documented upstream.
{ lib
, stdenv
, fetchurl
, autoPatchelfHook
, zlib
, version
, fullVersion
, tarballs
}:
let
  inherit (stdenv.hostPlatform) system;
  tarball =
    tarballs.${system} or (throw ''
      wasi-sdk: there is no official wasi-sdk ${version} release for ${system}.
      Use one of: ${lib.concatStringsSep ", " (lib.attrNames tarballs)}.
    '');
in
stdenv.mkDerivation (finalAttrs: {
  pname = "wasi-sdk";
  version = fullVersion;

  src = fetchurl {
    url = "https://github.com/WebAssembly/wasi-sdk/releases/download/wasi-sdk-${version}/wasi-sdk-${fullVersion}-${tarball.platform}.tar.gz";
    inherit (tarball) hash;
  };

  # The release's Linux binaries expect a FHS loader and libstdc++; on NixOS they need their
  # interpreter and run paths rewritten.
  nativeBuildInputs = lib.optional stdenv.hostPlatform.isLinux autoPatchelfHook;
  buildInputs = lib.optionals stdenv.hostPlatform.isLinux [
    stdenv.cc.cc.lib
    zlib
  ];

  dontConfigure = true;
  dontBuild = true;
  # The sysroot's archives and objects are WebAssembly; stripping would break them.
  dontStrip = true;

  installPhase = ''
    runHook preInstall
    mkdir -p $out
    cp -a . $out/
    runHook postInstall
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    for file in bin/clang bin/wasm32-wasip2-clang bin/llvm-ar \
        share/wasi-sysroot/lib/wasm32-wasip2/libc.a \
        share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o \
        share/wasi-sysroot/include/wasm32-wasip2/stdio.h; do
      test -e "$out/$file" || { echo "wasi-sdk: $file is missing from the release" >&2; exit 1; }
    done
    # The compiler runs here (interpreter and run paths are right) and finds the sysroot's headers.
    printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > probe.c
    $out/bin/wasm32-wasip2-clang -c probe.c -o probe.o
    runHook postInstallCheck
  '';

  passthru = {
    sysroot = "${finalAttrs.finalPackage}/share/wasi-sysroot";
    release = version;
  };

  meta = {
    description = "WASI-enabled WebAssembly C/C++ toolchain (clang, LLVM tools, wasi-libc sysroot)";
    homepage = "https://github.com/WebAssembly/wasi-sdk";
    license = [
      lib.licenses.asl20
      lib.licenses.llvm-exception
    ];
    sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];
    platforms = lib.attrNames tarballs;
    mainProgram = "wasm32-wasip2-clang";
  };
})
