# sync/paper: QR payloads against independently computed vectors, sheets, image reading,
# the QR search and the batch scan (test_paper_payload.c, test_paper_scan.c).
if(TARGET bilet_paper)
  bilet_cmocka(test_paper_payload SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_paper_payload.c
    LIBS bilet_paper)
  bilet_cmocka(test_paper_scan SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_paper_scan.c
    LIBS bilet_paper)
endif()
