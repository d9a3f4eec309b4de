# Security proofs (docs/threat-model.md): secret key files others may read are refused by
# every program, HTTPS sync pins the central's key and certificate, a removed acknowledged
# record is caught against the receipt, SQL is never built.
foreach(case key_modes tls_pinning removed_last_record check_sql)
  bilet_shell_test(security_${case} cli/security.sh)
  set_property(TEST security_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
endforeach()
