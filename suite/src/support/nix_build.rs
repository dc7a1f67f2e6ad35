//! Runs a script the way a Nix build runs its builder, so that what passes here also passes in
//! `nix build`: nixpkgs' stdenv shell is a bash built without readline (no `compgen`, no
//! completion builtins), the environment holds only what the derivation sets, HOME cannot be
//! written, PATH has only the stdenv's tools and the declared inputs, and the network is a fresh
//! namespace with nothing but loopback.
//!
//! What differs from a real sandbox, and why it does not weaken the checks: the file system is
//! the host's (scripts reach inputs by the absolute paths they are given, as they reach store
//! paths), and HOME is `/proc/homeless-shelter` rather than `/homeless-shelter`, since the suite
//! runs as root and could create the latter, while nothing can create a folder in procfs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::context::Context;
use crate::context::{is_executable, which};

/// A HOME that neither exists nor can be created, as `/homeless-shelter` in a Nix build.
pub const HOMELESS: &str = "/proc/homeless-shelter";

/// The programs of nixpkgs' stdenv `initialPath` (pkgs/stdenv/common-path.nix: coreutils,
/// findutils, diffutils, gnused, gnugrep, gawk, gnutar, gzip, bzip2, gnumake, bash, patch, xz),
/// taken from the Debian packages that carry the same GNU tools.
const STDENV_PACKAGES: &[&str] = &[
    "coreutils",
    "findutils",
    "diffutils",
    "sed",
    "grep",
    "gawk",
    "tar",
    "gzip",
    "bzip2",
    "make",
    "patch",
    "xz-utils",
];

/// What `stdenv` (not `stdenvNoCC`) adds: the C compiler wrapper and binutils.
const CC_PROGRAMS: &[&str] = &[
    "cc", "c++", "gcc", "g++", "cpp", "ld", "as", "ar", "nm", "ranlib", "strip", "objcopy",
    "objdump", "readelf", "size", "strings",
];

/// Which stdenv a derivation is built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stdenv {
    /// `stdenvNoCC`, which `runCommand` and `symlinkJoin` use.
    NoCC,
    /// `stdenv`, with a C compiler.
    WithCC,
}

/// The parts of a Nix-like build environment, made once per suite run.
#[derive(Debug, Clone)]
pub struct BuildEnvironment {
    /// bash built as nixpkgs builds the stdenv's shell (`suite/scripts/build-nix-bash.sh`).
    pub bash: PathBuf,
    /// Links to the stdenv's tools and this bash.
    no_cc_bin: PathBuf,
    /// Links to the C compiler wrapper's tools.
    cc_bin: PathBuf,
    /// `ip`, to bring loopback up in the new network namespace as Nix does.
    ip: PathBuf,
    unshare: PathBuf,
}

impl BuildEnvironment {
    /// Lays out the tool folders under `dir` for the given bash.
    pub fn create(dir: &Path, bash: &Path) -> Result<Self> {
        let (Some(ip), Some(unshare)) = (which("ip"), which("unshare")) else {
            bail!("`ip` and `unshare` are needed (apt-get install iproute2 util-linux)");
        };
        if std::fs::exists(dir)? {
            std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        let no_cc_bin = dir.join("stdenv-no-cc/bin");
        let cc_bin = dir.join("cc-wrapper/bin");
        std::fs::create_dir_all(&no_cc_bin)?;
        std::fs::create_dir_all(&cc_bin)?;
        for program in debian_programs(STDENV_PACKAGES)? {
            link_program(&no_cc_bin, &program)?;
        }
        for name in ["bash", "sh"] {
            std::os::unix::fs::symlink(bash, no_cc_bin.join(name))?;
        }
        // Debian names gawk `awk` through its alternatives, which no package lists; nixpkgs' gawk
        // installs `awk` itself.
        if is_executable(&no_cc_bin.join("gawk")) && !std::fs::exists(no_cc_bin.join("awk"))? {
            std::os::unix::fs::symlink("gawk", no_cc_bin.join("awk"))?;
        }
        for name in CC_PROGRAMS {
            let program =
                which(name).with_context(|| format!("no {name} (apt-get install gcc g++)"))?;
            link_program(&cc_bin, &program)?;
        }
        for tool in ["awk", "gawk", "sed", "grep", "find", "xz"] {
            if !is_executable(&no_cc_bin.join(tool)) {
                bail!(
                    "the stdenv tool folder lacks {tool}: apt-get install gawk (see .ci/apt-packages.txt)"
                );
            }
        }
        Ok(BuildEnvironment {
            bash: bash.to_path_buf(),
            no_cc_bin,
            cc_bin,
            ip,
            unshare,
        })
    }

    /// A command that runs `bash script` in `build_dir` as a build phase's `bash ${script}` runs: cleared environment,
    /// PATH = the declared inputs' `bin` folders, then the stdenv's tools; TMPDIR and
    /// NIX_BUILD_TOP at `build_dir`; HOME unwritable; a network namespace with only loopback.
    /// `inputs` are folders with a `bin/` (what `nativeBuildInputs` puts on PATH); `host_inputs`
    /// are host programs that stand in for nixpkgs packages (python3, curl, …).
    pub fn script(
        &self,
        stdenv: Stdenv,
        build_dir: &Path,
        inputs: &[&Path],
        host_inputs: &[&str],
        script: &Path,
    ) -> Result<Command> {
        let host_bin = build_dir.join(".inputs/bin");
        std::fs::create_dir_all(&host_bin)?;
        for name in host_inputs {
            let program = which(name)
                .with_context(|| format!("the declared input {name} is not installed"))?;
            link_program(&host_bin, &program)?;
        }
        let mut path: Vec<PathBuf> = inputs.iter().map(|dir| dir.join("bin")).collect();
        path.push(host_bin);
        if stdenv == Stdenv::WithCC {
            path.push(self.cc_bin.clone());
        }
        path.push(self.no_cc_bin.clone());
        let path: OsString = std::env::join_paths(path)?;

        // Nix brings loopback up in the build's network namespace; nothing else is reachable.
        let mut command = Command::new(&self.unshare);
        command
            .args(["--net", "--", "/bin/sh", "-c"])
            .arg(format!(
                "{} link set lo up && exec \"$@\"",
                self.ip.display()
            ))
            .arg("nix-build")
            .arg(&self.bash)
            .arg(script)
            .current_dir(build_dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", HOMELESS)
            .env("TMPDIR", build_dir)
            .env("TMP", build_dir)
            .env("TEMP", build_dir)
            .env("TEMPDIR", build_dir)
            .env("NIX_BUILD_TOP", build_dir)
            .env("NIX_BUILD_CORES", cores())
            .env("PWD", build_dir)
            .env("SHELL", &self.bash)
            .env("TERM", "xterm-256color")
            .env("NIX_STORE", "/nix/store");
        Ok(command)
    }
    /// The programs of the stdenv's tool folder (without the shell, which a Nix build brings
    /// itself), or of the C compiler's: name and the real file behind it.
    pub fn programs(&self, stdenv: Stdenv) -> Result<Vec<(String, PathBuf)>> {
        let dir = match stdenv {
            Stdenv::NoCC => &self.no_cc_bin,
            Stdenv::WithCC => &self.cc_bin,
        };
        let mut programs = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "bash" || name == "sh" {
                continue;
            }
            let real = std::fs::canonicalize(entry.path())
                .with_context(|| format!("resolving {}", entry.path().display()))?;
            programs.push((name, real));
        }
        programs.sort();
        Ok(programs)
    }
}

fn cores() -> String {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .to_string()
}

/// The programs that Debian's packages install into /usr/bin and /bin.
fn debian_programs(packages: &[&str]) -> Result<Vec<PathBuf>> {
    let mut programs = Vec::new();
    for package in packages {
        let output = Command::new("dpkg")
            .args(["-L", package])
            .output()
            .context("running dpkg -L")?;
        if !output.status.success() {
            bail!(
                "Debian package {package} is not installed (bash .ci/install.sh installs it): it stands in for a tool of nixpkgs' stdenv"
            );
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let path = Path::new(line);
            let in_bin = path
                .parent()
                .is_some_and(|p| p == Path::new("/usr/bin") || p == Path::new("/bin"));
            if in_bin && is_executable(path) {
                programs.push(path.to_path_buf());
            }
        }
    }
    Ok(programs)
}

/// Links `program` into `dir` under its own name, keeping the first of two with one name.
fn link_program(dir: &Path, program: &Path) -> Result<()> {
    let name = program
        .file_name()
        .with_context(|| format!("{} has no file name", program.display()))?;
    let link = dir.join(name);
    if !std::fs::exists(&link)? {
        std::os::unix::fs::symlink(program, &link)
            .with_context(|| format!("linking {}", link.display()))?;
    }
    Ok(())
}
/// The packages the from-source derivations declare (nix/packages/rust-std-from-source.nix,
/// nix/packages/ui-tests.nix), as host programs; everything else on PATH is the stdenv's.
pub const DECLARED_INPUTS: &[&str] = &["python3"];

/// A script of the from-source derivations (the std, the UI checks) as their build phase runs
/// it: `export HOME="$TMPDIR"` and `env.WASI_SDK_PATH` are what those derivations set.
pub fn in_build_phase(ctx: &Context, name: &str, script: &Path) -> Result<Command> {
    let (mut command, build_dir) =
        ctx.nix_build_script(name, Stdenv::WithCC, &[], DECLARED_INPUTS, script)?;
    command.env("HOME", &build_dir);
    if let Some(sdk) = &ctx.parts.wasi_sdk {
        command.env("WASI_SDK_PATH", sdk);
    }
    // Where the derivation has the tarball's vendor/ (bootstrap then passes --frozen), the suite
    // has crates fetched ahead; either way cargo reaches no network.
    if let Some(cargo_home) = &ctx.parts.cargo_home {
        command
            .env("CARGO_HOME", cargo_home)
            .env("CARGO_NET_OFFLINE", "true");
    }
    Ok(command)
}
