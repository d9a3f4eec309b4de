# `bilet check` through its flags: demo summary, bad fixtures, --new-secret.
bilet_shell_test(cli_check cli/check.sh)
