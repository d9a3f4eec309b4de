# `bilet init`: creates a data folder, refuses a second time (exit 2, nothing changed).
bilet_shell_test(cli_init cli/init.sh)
