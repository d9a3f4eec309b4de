# `bilet verify`: one ctest test per kind of damage (the script runs the case in
# BILET_CASE, or all of them when it is unset).
foreach(case clean flipped_byte missing_record swapped_records foreign_signature
             truncated_database missing_folder usage)
  bilet_shell_test(cli_verify_${case} cli/verify.sh)
  set_property(TEST cli_verify_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
endforeach()
