# The kiosk's sync against a real bilet-central on 127.0.0.1 (tests/sync/e2e.sh): results
# read back, idempotent re-sync, forged receipts, a rejected record, the central killed
# mid-sync, the kiosk's background syncer on line and off line, USB bundles imported
# twice. One ctest test per case.
if(TARGET bilet-central AND TARGET bilet-kiosk AND TARGET bilet_client)
  foreach(case exam_results resync_idempotent forged_receipt rejected_record central_killed
               kiosk_background kiosk_offline_counts_pending kiosk_central_without_key
               bundle_import_twice)
    bilet_shell_test(sync_e2e_${case} sync/e2e.sh)
    set_property(TEST sync_e2e_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
  endforeach()
endif()
