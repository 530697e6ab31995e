# Sourced by deploy/serve.sh and deploy/manage.sh: kc_load_env_file FILE exports the
# KEY=value lines of an installation's settings file (the format systemd's EnvironmentFile
# reads: comments and empty lines skipped, quotes around a whole value removed, spaces kept).
# A variable already in the environment wins over the file.
kc_load_env_file() {
  local file=$1 line key value
  [ -r "$file" ] || { printf '%s cannot be read\n' "$file" >&2; return 2; }
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in '' | '#'* | ';'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { printf '%s: not KEY=value: %s\n' "$file" "$line" >&2; return 2; }
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    [ -n "${!key+set}" ] || export "$key=$value"
  done <"$file"
}
