# The functions of nixpkgs' lib that this flake uses, written here with their real names and the
# semantics our code relies on (nixpkgs' lib itself is never copied into this repository). Where a
# function is simpler than the real one, the comment says how.
let
  lib = rec {
    fix = f: let x = f x; in x;
    optional = condition: x: if condition then [ x ] else [ ];
    optionals = condition: xs: if condition then xs else [ ];
    optionalString = condition: s: if condition then s else "";
    optionalAttrs = condition: attrs: if condition then attrs else { };
    assertMsg = ok: message: ok || throw message;
    versionAtLeast = a: b: builtins.compareVersions a b >= 0;
    versions.major = v: builtins.head (builtins.splitVersion v);
    inherit (builtins) concatStringsSep;
    concatMapStringsSep = sep: f: xs: builtins.concatStringsSep sep (map f xs);
    inherit (builtins) attrNames;
    hasSuffix = suffix: s:
      let
        ls = builtins.stringLength s;
        lx = builtins.stringLength suffix;
      in
      ls >= lx && builtins.substring (ls - lx) lx s == suffix;
    hasPrefix = prefix: s: builtins.substring 0 (builtins.stringLength prefix) s == prefix;
    escapeShellArg = s: "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s)}'";
    boolToString = b: if b then "true" else "false";
    getOutput = output: pkg: pkg.${output} or pkg;
    getDev = getOutput "dev";
    getBin = getOutput "bin";
    getLib = getOutput "lib";
    getExe = pkg: "${getBin pkg}/bin/${pkg.meta.mainProgram or (throw "getExe: ${pkg.name} has no meta.mainProgram")}";
    getName = pkg: pkg.pname or (builtins.parseDrvName pkg.name).name;
    importTOML = path: builtins.fromTOML (builtins.readFile path);
    addMetaAttrs = meta: drv: drv // { meta = (drv.meta or { }) // meta; };
    genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
    getAttrs = names: attrs: genAttrs names (name: attrs.${name});
    mapAttrs' = f: attrs: builtins.listToAttrs (map (name: f name attrs.${name}) (builtins.attrNames attrs));
    nameValuePair = name: value: { inherit name value; };
    concatMapAttrs = f: attrs: builtins.foldl' (acc: name: acc // f name attrs.${name}) { } (builtins.attrNames attrs);
    composeExtensions = f: g: final: prev:
      let fApplied = f final prev; in fApplied // g final (prev // fApplied);
    composeManyExtensions = builtins.foldl' composeExtensions (_: _: { });
    licenses = {
      mit = { shortName = "MIT"; };
      asl20 = { shortName = "Apache-2.0"; };
      llvm-exception = { shortName = "LLVM-exception"; };
    };
    sourceTypes.binaryNativeCode = { shortName = "binaryNativeCode"; isSource = false; };
    platforms.unix = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];

    # A file set is a predicate on absolute path strings, as a set of files is in the real lib,
    # with `mayContain`, whether a folder can hold any of its files (so `toSource` does not walk
    # folders such as target/); `toSource` copies the files it holds below `root`. Unlike the
    # real one, folders left empty by the filter stay in the copy.
    fileset =
      let
        # Paths compared as strings: a path value in string context would be copied to the store.
        under = dir: p: toString p == toString dir || hasPrefix "${toString dir}/" (toString p);
        related = a: b: under a b || under b a;
        asSet = x: if x ? contains then x else { contains = under x; mayContain = related x; };
      in
      {
        unions = sets: {
          contains = p: builtins.any (s: (asSet s).contains p) sets;
          mayContain = p: builtins.any (s: (asSet s).mayContain p) sets;
        };
        difference = positive: negative: {
          contains = p: (asSet positive).contains p && !(asSet negative).contains p;
          mayContain = p: (asSet positive).mayContain p && !(asSet negative).contains p;
        };
        maybeMissing = path:
          if builtins.pathExists path then path
          else { contains = _: false; mayContain = _: false; };
        fileFilter = predicate: root: {
          contains = p: under root p && predicate {
            name = baseNameOf p;
            hasExt = ext: hasSuffix ".${ext}" (baseNameOf p);
          };
          mayContain = related root;
        };
        toSource = { root, fileset }: builtins.path {
          path = root;
          name = "source";
          filter = p: type: if type == "directory" then (asSet fileset).mayContain p else (asSet fileset).contains p;
        };
      };

    makeOverridable = f: args:
      let result = f args; in
      if builtins.isAttrs result
      then result // { override = newArgs: makeOverridable f (args // (if builtins.isFunction newArgs then newArgs args else newArgs)); }
      else result;
    # Missing arguments without a default fail as in nixpkgs: by the function's own error.
    callPackageWith = autoArgs: fn: args:
      let f = if builtins.isFunction fn then fn else import fn; in
      makeOverridable f (builtins.intersectAttrs (builtins.functionArgs f) autoArgs // args);
    makeScope = newScope: f:
      let
        self = f self // {
          newScope = scope: newScope (self // scope);
          callPackage = self.newScope { };
          overrideScope = g: makeScope newScope (scope: let base = f scope; in base // g scope base);
        };
      in
      self;
  };
in
lib
