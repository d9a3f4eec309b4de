# `bilet sync` through its command line, without a central store (tests/sync/cli.sh): help,
# refusals and exit statuses, an unreachable central, the USB bundle. One test per case.
if(TARGET bilet AND TARGET bilet_client)
  foreach(case help usage bad_central_pub missing_data_folder unreachable_central export
               export_empty export_unwritable)
    bilet_shell_test(cli_sync_${case} sync/cli.sh)
    set_property(TEST cli_sync_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
  endforeach()
endif()
