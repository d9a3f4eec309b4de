# The exam-directory loader (kiosk/examdir) on the fixtures in tests/data/examdir/, and the
# rules of kiosk/core/exam.c on exams built in memory.
bilet_cmocka(test_examdir
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_examdir.c
  LIBS bilet_examdir bilet_core)
target_compile_definitions(test_examdir PRIVATE BILET_DATADIR_POLICIES="${BILET_DATADIR}/policies")

bilet_cmocka(test_exam_rules
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_exam_rules.c
  LIBS bilet_core)
