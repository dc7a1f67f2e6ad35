# shellcheck shell=bash
# publish-cache: what `nix copy --to 'DESTINATION?secret-key=KEY'` does, plus what it does not: the
# key checked first (a missing file or the public half refused, naming the command that makes a
# key), the paths nixpkgs' cache already serves left out (those no published path refers to: a
# binary cache takes a path only with its references), a dry run with NAR sizes, and the two
# nix.conf lines users add. The text of `writeShellApplication` (nix/packages/publish-cache.nix);
# the options are set here too, for a run with plain `bash publish-cache.sh`.
set -euo pipefail

usage="usage: publish-cache --key-file KEY [--dry-run] [--skip-served-by STORE_URL]... DESTINATION PATH...
  KEY          the secret half of: nix-store --generate-binary-cache-key NAME secret.key public.key
  DESTINATION  a binary cache: file:///srv/nix-cache?compression=zstd, s3://BUCKET?region=R, https://…
  PATH         store paths or out-links; each is published with its closure
  --skip-served-by STORE_URL  leave out what that store serves and no published path refers to
                              (default https://cache.nixos.org; repeatable; 'none': nothing)
  --dry-run    list what would be published, with NAR sizes; sign and copy nothing"

fail_usage() {
  printf 'publish-cache: %s\n%s\n' "$1" "$usage" >&2
  exit 2
}
fail() {
  printf 'publish-cache: %s\n' "$1" >&2
  exit 1
}
nix() { command nix --extra-experimental-features nix-command "$@"; }
paths_count() { if [ "$1" -eq 1 ]; then echo "1 path"; else echo "$1 paths"; fi; }
make_key="nix-store --generate-binary-cache-key NAME secret.key public.key"

key_file="" dry_run="" skip_set="" positional=()
skip=()
while [ $# -gt 0 ]; do
  case $1 in
    --key-file) [ $# -ge 2 ] || fail_usage "--key-file needs a value"; key_file=$2; shift ;;
    --key-file=*) key_file=${1#*=} ;;
    --skip-served-by) [ $# -ge 2 ] || fail_usage "--skip-served-by needs a value"; skip+=("$2"); skip_set=1; shift ;;
    --skip-served-by=*) skip+=("${1#*=}"); skip_set=1 ;;
    --dry-run) dry_run=1 ;;
    -h | --help) printf '%s\n' "$usage"; exit 0 ;;
    --) shift; positional+=("$@"); break ;;
    -*) fail_usage "unknown option $1" ;;
    *) positional+=("$1") ;;
  esac
  shift
done
[ -n "$skip_set" ] || skip=(https://cache.nixos.org)
if [ -z "$key_file" ]; then
  fail_usage "no signing key given (--key-file): every published path is signed. Make a key pair once,
keep secret.key private and pass it; users trust the line in public.key:
  $make_key"
fi
[ ${#positional[@]} -ge 2 ] || fail_usage "give a DESTINATION and at least one PATH (build it first: nix build …)"
destination=${positional[0]}
paths=("${positional[@]:1}")
case $destination in
  file://* | s3://* | http://* | https://*) ;;
  *) fail_usage "$destination is not a binary cache: only those sign as they are written; for another store run
  nix store sign --key-file KEY PATH... && nix copy --to $destination PATH..." ;;
esac

# The key: a secret key is NAME:<88 base64 characters>, its public half NAME:<44>.
[ -r "$key_file" ] || fail "cannot read the key file $key_file; make a key pair with: $make_key"
key=$(<"$key_file")
key_name=${key%%:*} key_data=${key#*:}
if [ "$key" = "$key_data" ] || [ -z "$key_name" ] || [[ ! $key_data =~ ^[A-Za-z0-9+/=]+$ ]]; then
  fail "$key_file is not a Nix signing key (NAME:base64); make one with: $make_key"
elif [ ${#key_data} -eq 44 ]; then
  fail "$key_file holds the public key $key_name: pass the secret one, the first file of: $make_key"
elif [ ${#key_data} -ne 88 ]; then
  fail "$key_file holds ${#key_data} characters of key data where a secret key has 88; make one with: $make_key"
fi
public_key=$(nix key convert-secret-to-public <"$key_file")

# The closure, less what the skip stores already serve (what a store lacks, it prints as invalid).
closure=$(nix-store --query --requisites "${paths[@]}")
mapfile -t publish <<<"$closure"
total=${#publish[@]} asked=()
for store in "${skip[@]}"; do
  [ "$store" != none ] || continue
  asked+=("$store")
  [ ${#publish[@]} -gt 0 ] || break
  missing=$(nix-store --store "$store" --check-validity --print-invalid "${publish[@]}")
  publish=()
  [ -z "$missing" ] || mapfile -t publish <<<"$missing"
done
# A binary cache takes a path only with every path it refers to (Nix refuses the copy otherwise),
# so what the rest refers to goes back in, served elsewhere or not.
if [ ${#asked[@]} -gt 0 ] && [ ${#publish[@]} -gt 0 ]; then
  needed=$(nix-store --query --requisites "${publish[@]}")
  mapfile -t publish <<<"$needed"
fi

summary="$(paths_count ${#publish[@]}) to $destination, signed by $key_name"
if [ ${#asked[@]} -gt 0 ]; then
  summary+=" ($(paths_count $((total - ${#publish[@]}))) left out: served by ${asked[*]}, needed by none published)"
fi
echo "publish-cache: $summary"
if [ ${#publish[@]} -eq 0 ]; then
  echo "nothing to publish"
  exit 0
fi
sizes=$(nix-store --query --size "${publish[@]}")
table=$(paste <(printf '%s\n' "$sizes") <(printf '%s\n' "${publish[@]}") | awk -F '\t' '
  function human(n, u) {
    if (n < 1024) return n " B"
    split("KiB MiB GiB TiB", units, " ")
    for (u = 1; n >= 1024 * 1024 && u < 4; u++) n /= 1024
    return sprintf("%.1f %s", n / 1024, units[u])
  }
  { total += $1; printf "  %10s  %s\n", human($1), $2 }
  END { printf "  %10s  total NAR size of %d path%s\n", human(total), NR, NR == 1 ? "" : "s" }')
if [ -n "$dry_run" ]; then
  printf '%s\n%s\n' "$table" "dry run: nothing was signed or copied"
  exit 0
fi

# Nix reads the key again when it writes each .narinfo: an absolute path, escaped for a URL.
secret=$(realpath "$key_file")
for pair in %:%25 '&:%26' '=:%3D' '#:%23' '?:%3F' '+:%2B' ' :%20'; do
  secret=${secret//"${pair%%:*}"/"${pair#*:}"}
done
separator='?'
[[ $destination != *\?* ]] || separator='&'
# Each .narinfo is signed as it is written, after its NAR. No recursion: the list is closed under
# references already, and the recursion would put back what the skip stores serve.
nix copy --no-recursive --to "$destination${separator}secret-key=$secret" "${publish[@]}"

# Users read the cache: the parameters that only matter when writing are dropped.
substituter=${destination%%\?*} kept=()
if [[ $destination == *\?* ]]; then
  IFS='&' read -ra parameters <<<"${destination#*\?}"
  for parameter in "${parameters[@]}"; do
    case ${parameter%%=*} in
      secret-key | compression | compression-level | parallel-compression | write-nar-listing | index-debug-info | ls-compression | narinfo-compression | "") ;;
      *) kept+=("$parameter") ;;
    esac
  done
fi
[ ${#kept[@]} -eq 0 ] || substituter+="?$(IFS='&'; echo "${kept[*]}")"
printf 'signed and copied:\n%s\n' "$table"
printf 'Users add to nix.conf (or a flake'"'"'s nixConfig):\n'
printf '  extra-substituters = %s\n  extra-trusted-public-keys = %s\n' "$substituter" "$public_key"
