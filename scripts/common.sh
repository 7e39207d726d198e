# Helpers shared by the setup scripts (sourced, never run). Each script
# defines its own `log` and `die`, which these use for its messages.

# Runs a command as root: directly when root, through sudo otherwise.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "root rights needed for: $* (run as root or install sudo)"
    fi
}
