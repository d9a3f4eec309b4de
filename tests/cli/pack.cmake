# `bilet pack` and `bilet check` of packages (tests/cli/pack.sh, docs/package.md).
bilet_shell_test(cli_pack cli/pack.sh)
